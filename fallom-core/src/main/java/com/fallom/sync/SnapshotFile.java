package com.fallom.sync;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The last good body of a synced resource on disk, so that a restart during a backend
 * outage still serves real data. Written atomically: a temporary file is moved over the
 * old one, so a crash mid-write leaves the previous snapshot whole.
 */
public final class SnapshotFile {

	private final Path path;

	public SnapshotFile(Path path) {
		this.path = path;
	}

	public Path getPath() {
		return this.path;
	}

	/**
	 * Return the snapshot file of another resource beside this one, e.g. prompts beside
	 * configs.
	 * @param suffix appended to this file's name
	 * @return the sibling file
	 */
	public SnapshotFile sibling(String suffix) {
		return new SnapshotFile(this.path.resolveSibling(this.path.getFileName() + suffix));
	}

	/**
	 * Read the snapshot.
	 * @return the body and when it was written, or {@code null} when there is no file
	 * @throws IOException when the file exists but cannot be read
	 */
	public @Nullable Snapshot read() throws IOException {
		try {
			byte[] body = Files.readAllBytes(this.path);
			return new Snapshot(body, Files.getLastModifiedTime(this.path).toInstant());
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/**
	 * Replace the snapshot atomically.
	 * @param body the body
	 * @throws IOException on failure; the old snapshot is then left as it was
	 */
	public void write(byte[] body) throws IOException {
		Path directory = this.path.toAbsolutePath().getParent();
		Files.createDirectories(directory);
		Path temporary = Files.createTempFile(directory, this.path.getFileName().toString(), ".tmp");
		try {
			Files.write(temporary, body);
			try {
				Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * A snapshot read from disk.
	 *
	 * @param body the body, in the backend's own format
	 * @param writtenAt when the file was last written
	 */
	public record Snapshot(byte[] body, Instant writtenAt) {
	}

}
