package dev.prune.cli;

import java.io.PrintStream;

/** A one-line progress display that rewrites itself on a terminal and prints plain lines otherwise. */
final class ProgressLine {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPrint;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    synchronized void update(String text) {
        long now = System.currentTimeMillis();
        if (terminal) {
            out.print("\r\033[K" + text);
            out.flush();
        } else if (now - lastPrint > 10_000) {
            out.println(text);
            lastPrint = now;
        }
    }

    synchronized void line(String text) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(text);
    }

    /** Clears the progress line on a terminal (so that what is printed next starts on a clean line). */
    synchronized void end() {
        if (terminal) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    static String bar(double fraction, int width) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }
}
