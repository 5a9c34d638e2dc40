package com.fallom.sample;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A support-assistant service that A/B tests two models with Fallom.
 */
@SpringBootApplication
public class SampleApplication {

	private static final Log logger = LogFactory.getLog(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	@Bean
	ApplicationRunner printAssignment(FallomModels models) {
		return (args) -> {
			ModelAssignment assignment = models.assign("support-assistant", "user24204-convo67097");
			logger.info("Session user24204-convo67097 gets " + assignment.model() + " (config version "
					+ assignment.configVersion() + ", " + assignment.source() + ")");
		};
	}

}
