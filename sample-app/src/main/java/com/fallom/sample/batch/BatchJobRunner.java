package com.fallom.sample.batch;

import java.util.ArrayList;
import java.util.List;

import com.fallom.sample.SampleProperties;
import com.fallom.sample.examples.BatchJobExample;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * The batch job ({@code --sample.batch.enabled=true}): at start-up, scores
 * {@code sample.batch.sessions} past sessions and records each score as a custom metric
 * of its session, with explicit ids. The app keeps serving afterwards; the metrics are
 * sent in the background and flushed on shutdown.
 */
@Component
public class BatchJobRunner implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(BatchJobRunner.class);

	private final SampleProperties properties;

	private final BatchJobExample batchJob;

	public BatchJobRunner(SampleProperties properties, BatchJobExample batchJob) {
		this.properties = properties;
		this.batchJob = batchJob;
	}

	@Override
	public void run(ApplicationArguments args) {
		SampleProperties.Batch batch = this.properties.getBatch();
		if (!batch.isEnabled()) {
			return;
		}
		List<String> sessionIds = new ArrayList<>();
		for (int i = 1; i <= batch.getSessions(); i++) {
			sessionIds.add(String.format("batch-session-%04d", i));
		}
		this.batchJob.recordOutlierScores(sessionIds);
		logger.info("Batch job: recorded outlier_score for " + sessionIds.size()
				+ " sessions of config 'support-assistant'");
	}

}
