package dev.cutover.run;

import dev.cutover.spi.Host;
import dev.cutover.spi.LocalHost;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A fleet host of {@code transport: local}: this machine ({@link LocalHost}) with an inventory name and values. */
final class FleetLocalHost implements Host {
    private final LocalHost local;
    private final Map<String, String> values;

    FleetLocalHost(String name, Map<String, String> values) {
        this.local = new LocalHost(name);
        this.values = Map.copyOf(values);
    }

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public Map<String, String> values() {
        return values;
    }

    @Override
    public Exec run(Command command) throws IOException, InterruptedException {
        return local.run(command);
    }

    @Override
    public byte[] read(String path) throws IOException {
        return local.read(path);
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        return local.stat(path);
    }

    @Override
    public void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException {
        local.replace(path, content, newFilePermissions);
    }

    @Override
    public boolean delete(String path) throws IOException {
        return local.delete(path);
    }

    @Override
    public String sha256(String path) throws IOException {
        return local.sha256(path);
    }

    @Override
    public String toString() {
        return name() + " (local)";
    }
}
