package com.fallom.sample.backend;

import java.util.Map;

import com.fallom.test.FallomMockServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /fallom/received}: what the embedded mock backend has received. The page at
 * {@code /} shows it as a table.
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
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.body(Map.of("message", "No embedded backend: Fallom talks to the backend of fallom.base-url"));
		}
		return ResponseEntity.ok(BackendSummary.of(server));
	}

}
