package com.fallom.sample.backend;

import java.util.Map;

import com.fallom.test.FallomMockServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /fallom/received}: what the embedded mock backend has received, and
 * {@code GET /fallom/experiments}: the same as an {@link ExperimentReport}, which the page
 * at {@code /} draws.
 */
@RestController
public class ReceivedController {

	private final ObjectProvider<FallomMockServer> mockServer;

	public ReceivedController(ObjectProvider<FallomMockServer> mockServer) {
		this.mockServer = mockServer;
	}

	@GetMapping("/fallom/received")
	public ResponseEntity<?> received() {
		FallomMockServer server = this.mockServer.getIfAvailable();
		if (server == null) {
			return noBackend();
		}
		return ResponseEntity.ok(BackendSummary.of(server));
	}

	@GetMapping("/fallom/experiments")
	public ResponseEntity<?> experiments() {
		FallomMockServer server = this.mockServer.getIfAvailable();
		if (server == null) {
			return noBackend();
		}
		return ResponseEntity.ok(ExperimentReport.of(server));
	}

	private static ResponseEntity<?> noBackend() {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.body(Map.of("message", "No embedded backend: Fallom talks to the backend of fallom.base-url"));
	}

}
