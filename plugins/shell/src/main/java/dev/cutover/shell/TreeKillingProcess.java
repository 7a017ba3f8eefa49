package dev.cutover.shell;

import dev.cutover.spi.ChildProcesses;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Process} whose {@code destroy} stops the step's whole tree ({@link ChildProcesses#killTagged}:
 * everything carrying the step's tag, their sessions, and orphans), then the process itself. Commons
 * Exec's watchdog calls {@code destroy} on timeout, so neither a {@code sh -c 'sleep 100'} nor a
 * double-forked, {@code setsid} grandchild is left behind.
 */
final class TreeKillingProcess extends Process {
    private final Process delegate;
    private final String tag;

    TreeKillingProcess(Process delegate, String tag) {
        this.delegate = delegate;
        this.tag = tag;
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
        ChildProcesses.killTagged(tag);
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
