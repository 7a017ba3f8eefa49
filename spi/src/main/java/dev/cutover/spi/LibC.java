package dev.cutover.spi;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** The few C library calls {@link ChildProcesses} needs (through JNA); {@link #INSTANCE} is null where they are missing. */
interface LibC extends Library {
    int PR_SET_CHILD_SUBREAPER = 36;
    int PR_GET_CHILD_SUBREAPER = 37;
    int SIGKILL = 9;
    int WNOHANG = 1;

    LibC INSTANCE = load();

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int kill(int pid, int signal);

    int waitpid(int pid, int[] status, int options);

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }
}
