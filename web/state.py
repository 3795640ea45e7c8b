"""What the app holds for its life: settings, the read-only engine, the clock (for tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from hallofshame.settings import Settings


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
