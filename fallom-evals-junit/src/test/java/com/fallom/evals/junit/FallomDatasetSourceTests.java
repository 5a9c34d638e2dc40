package com.fallom.evals.junit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fallom.test.FallomMockEvals.DatasetEntry;
import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link FallomDatasetSource} with a dataset of the Fallom app, fetched over HTTP from the
 * mock app.
 */
class FallomDatasetSourceTests {

	static final List<EvalCase> seen = new CopyOnWriteArrayList<>();

	private final FallomMockServer fallom = FallomMockServer.start();

	@AfterEach
	void stop() {
		this.fallom.close();
		System.clearProperty(FallomDatasetArgumentsProvider.APP_URL_PROPERTY);
		System.clearProperty(FallomDatasetArgumentsProvider.API_KEY_PROPERTY);
		seen.clear();
	}

	@Test
	void aFallomDatasetKeyGivesItsEntriesAsCases() {
		this.fallom.evals()
			.putDataset("support-faq", "Support FAQ", 3,
					List.of(new DatasetEntry("How do I reset my password?", "Settings.", null, Map.of("id", "reset")),
							DatasetEntry.of("Can I get a refund?", "Yes.")));
		System.setProperty(FallomDatasetArgumentsProvider.APP_URL_PROPERTY, this.fallom.baseUrl());
		System.setProperty(FallomDatasetArgumentsProvider.API_KEY_PROPERTY, this.fallom.apiKey());
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(FromFallom.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));
		assertThat(seen).extracting(EvalCase::id).containsExactly("reset", "case-2");
		assertThat(seen.get(1).output()).isEqualTo("Yes.");
		assertThat(this.fallom.evals().datasetRequests()).hasSize(1);
	}

	@Test
	void aDatasetEntryWithoutInputIsNamed() {
		this.fallom.evals().putDataset("support-faq", "Support FAQ", 1, List.of(DatasetEntry.of(" ", "Yes.")));
		System.setProperty(FallomDatasetArgumentsProvider.APP_URL_PROPERTY, this.fallom.baseUrl());
		System.setProperty(FallomDatasetArgumentsProvider.API_KEY_PROPERTY, this.fallom.apiKey());
		Throwable failure = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(FromFallom.class))
			.execute()
			.allEvents()
			.failed()
			.stream()
			.findFirst()
			.orElseThrow()
			.getPayload(org.junit.platform.engine.TestExecutionResult.class)
			.orElseThrow()
			.getThrowable()
			.orElseThrow();
		assertThat(failure).hasMessageContaining("Fallom dataset support-faq entry 1 (case 'case-1') has no input");
	}

	static class FromFallom {

		@ParameterizedTest
		@FallomDatasetSource("fallom:support-faq")
		void answers(EvalCase evalCase) {
			seen.add(evalCase);
		}

	}

}
