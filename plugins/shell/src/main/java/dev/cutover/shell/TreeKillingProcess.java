package dev.cutover.shell;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@link Process} whose {@code destroy} stops the whole tree: descendants first (while they can
 * still be found), then the process itself. Commons Exec's watchdog calls {@code destroy} on
 * timeout, so a {@code sh -c 'sleep 100'} does not leave the sleep behind.
 */
final class TreeKillingProcess extends Process {
    private final Process delegate;

    TreeKillingProcess(Process delegate) {
        this.delegate = delegate;
    }

    @Override
    public OutputStream getOutputStream() {
        return delegate.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return delegate.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return delegate.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return delegate.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return delegate.exitValue();
    }

    @Override
    public void destroy() {
        killTree();
    }

    @Override
    public Process destroyForcibly() {
        killTree();
        return this;
    }

    private void killTree() {
        ProcessHandle root = delegate.toHandle();
        Stream<ProcessHandle> descendants = root.descendants();
        descendants.forEach(ProcessHandle::destroyForcibly);
        delegate.destroyForcibly();
    }

    @Override
    public boolean isAlive() {
        return delegate.isAlive();
    }

    @Override
    public long pid() {
        return delegate.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return delegate.toHandle();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return delegate.onExit().thenApply(p -> this);
    }
}
