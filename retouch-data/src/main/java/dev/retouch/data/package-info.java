/**
 * Retouch datasets: what the models train and evaluate on. This package holds what every dataset shares (the
 * deterministic {@link dev.retouch.data.Split}); each data source has its own sub-package, e.g.
 * {@link dev.retouch.data.emoji} for the Noto emoji set.
 */
package dev.retouch.data;
