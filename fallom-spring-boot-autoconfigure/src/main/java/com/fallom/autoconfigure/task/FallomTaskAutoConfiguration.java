package com.fallom.autoconfigure.task;

import com.fallom.task.FallomSessionTaskDecorator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@link FallomSessionTaskDecorator}, which Spring Boot's task execution and
 * scheduling auto-configurations apply, with any other {@code TaskDecorator} beans, to the
 * executors and schedulers they build.
 */
@AutoConfiguration(beforeName = { "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
		"org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration" })
@ConditionalOnClass({ TaskDecorator.class, FallomSessionTaskDecorator.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomTaskAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomSessionTaskDecorator fallomSessionTaskDecorator() {
		return new FallomSessionTaskDecorator();
	}

}
