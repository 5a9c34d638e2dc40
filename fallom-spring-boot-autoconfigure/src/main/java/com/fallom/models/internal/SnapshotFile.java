package com.fallom.models.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.ConfigState;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last good fetched configs on disk, so that a restart during a backend outage still
 * serves real configs. Written atomically (a temporary file moved over the old one), in the
 * backend's own {@code GET /configs} format. Internal API.
 */
public final class SnapshotFile {

	private static final Log logger = LogFactory.getLog(SnapshotFile.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Path path;

	public SnapshotFile(Path path) {
		this.path = path;
	}

	public Path getPath() {
		return this.path;
	}

	/**
	 * Read the snapshot. A missing file is normal; an unreadable one is logged and ignored.
	 * @return the snapshot configs, or {@code null} when there are none
	 */
	public @Nullable ConfigState read() {
		try {
			byte[] body = Files.readAllBytes(this.path);
			ConfigParser.ParsedConfigs parsed = ConfigParser.parseConfigs(body, ConfigOrigin.SNAPSHOT);
			Map<String, ModelConfig> configs = new LinkedHashMap<>();
			parsed.configs().forEach((config) -> configs.put(config.getKey(), config));
			return new ConfigState(configs, ConfigOrigin.SNAPSHOT, Files.getLastModifiedTime(this.path).toInstant());
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring unreadable Fallom config snapshot " + this.path + ": " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Write configs, replacing the snapshot atomically.
	 * @param configs the configs
	 * @throws IOException on failure; the old snapshot is then left as it was
	 */
	public void write(Iterable<ModelConfig> configs) throws IOException {
		List<Map<String, Object>> entries = new ArrayList<>();
		for (ModelConfig config : configs) {
			List<Map<String, Object>> variants = new ArrayList<>();
			for (ModelVariant variant : config.getVariants()) {
				variants.add(Map.of("model", variant.model(), "weight", variant.weight()));
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("key", config.getKey());
			entry.put("version", config.getVersion());
			entry.put("variants", variants);
			entries.add(entry);
		}
		byte[] body = mapper.writeValueAsBytes(Map.of("configs", entries, "written_at", Instant.now().toString()));
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

}
