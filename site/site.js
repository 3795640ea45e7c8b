/* Placeholder: the site helper owns this file (progressive table sorting). */
