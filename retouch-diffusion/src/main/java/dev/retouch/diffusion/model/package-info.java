/** Models as stored on disk (config record + weights): loading, creating and saving them. */
package dev.retouch.diffusion.model;
