package dev.prune.onednn;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Buffers a thread's convolutions share for what lives only during one call (a reordered output, output
 * gradient or input gradient), so that a network's layers do not each hold their own: numbered slots, each
 * grown to the largest size asked for on this thread. A caller binds the buffer before every call, since a
 * slot grown for another layer frees its former buffer.
 */
public final class ScratchBuffers {
    private static final ThreadLocal<ScratchBuffers> OF_THREAD = ThreadLocal.withInitial(ScratchBuffers::new);

    private final BytePointer[] raw = new BytePointer[2];
    private final Pointer[] aligned = new Pointer[2];
    private final long[] sizes = new long[2];

    public static ScratchBuffers ofThread() {
        return OF_THREAD.get();
    }

    /** Slot {@code slot}'s buffer, at least {@code bytes} long. */
    public Pointer slot(int slot, long bytes) {
        if (sizes[slot] < bytes) {
            if (raw[slot] != null) {
                raw[slot].close();
            }
            raw[slot] = new BytePointer(bytes + OneDnnSession.ALIGNMENT);
            aligned[slot] = OneDnnSession.aligned(raw[slot]);
            sizes[slot] = bytes;
        }
        return aligned[slot];
    }
}
