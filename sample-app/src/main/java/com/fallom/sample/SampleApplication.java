package com.fallom.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A support-assistant service that A/B tests two models with Fallom and traces every
 * call. With no {@code FALLOM_API_KEY} it runs on its own: a local chat model and an
 * in-process mock Fallom backend on {@code localhost:8001}.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
