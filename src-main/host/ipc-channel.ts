// The IPC channels between the Electron main process and the preload, in a module of their own
// so the sandboxed preload bundles nothing else.

/** Frames both ways: ClientFrame from the page, ServerFrame to it. */
export const FRAME_CHANNEL = 'socketscope:frame';
/** Sent once by the preload at the start of each document: "greet me and start the events". */
export const OPEN_CHANNEL = 'socketscope:open';
