/**
 * The HTTP server: {@link dev.retouch.server.RetouchServer} puts the library's editors behind a JSON API with a
 * bounded job queue, Server-Sent Events for progress and PNG results. No editing logic lives here: a job is parsed
 * into one of the editors' typed requests and run by that editor.
 */
package dev.retouch.server;
