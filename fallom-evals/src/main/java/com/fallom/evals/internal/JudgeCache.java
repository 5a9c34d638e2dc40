package com.fallom.evals.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A content-addressed cache of judge answers on disk: the key is the SHA-256 of the judge
 * model and the prompt, the file holds the judge's reply text. Only answers that parsed are
 * stored, so a failure is asked again. Files are written to a temporary name and moved, so a
 * reader never sees half a file.
 */
public final class JudgeCache {

	private static final Log logger = LogFactory.getLog(JudgeCache.class);

	private final Path directory;

	/**
	 * Create a cache.
	 * @param directory the directory, created when needed
	 */
	public JudgeCache(Path directory) {
		this.directory = directory;
	}

	/**
	 * Return the key of a judge call.
	 * @param model the judge model
	 * @param prompt the prompt
	 * @return the hex SHA-256 of {@code model + "\0" + prompt}
	 */
	public static String key(String model, String prompt) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(model.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(prompt.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a cached answer.
	 * @param key the key
	 * @return the judge's reply text, or {@code null}
	 */
	public @Nullable String get(String key) {
		Path file = file(key);
		try {
			return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
		}
		catch (IOException ex) {
			logger.debug("Could not read judge cache file " + file, ex);
			return null;
		}
	}

	/**
	 * Store an answer; a failure to write is logged and ignored.
	 * @param key the key
	 * @param content the judge's reply text
	 */
	public void put(String key, String content) {
		Path file = file(key);
		try {
			Files.createDirectories(file.getParent());
			Path temporary = Files.createTempFile(file.getParent(), key, ".tmp");
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not write judge cache file " + file + ": " + ex.getMessage());
		}
	}

	private Path file(String key) {
		return this.directory.resolve(key.substring(0, 2)).resolve(key + ".json");
	}

}
