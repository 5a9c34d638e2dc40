package com.fallom.task;

import com.fallom.session.FallomSessionHolder;

import org.springframework.core.task.TaskDecorator;

/**
 * Ends a task's Fallom session with the task: each task runs in the session of the code
 * that submitted it, and its thread gets its own session back afterwards, so the next,
 * unrelated task on a pooled thread ({@code @Async}, {@code @Scheduled}, executors built
 * by Spring Boot) never inherits it. Spring Boot applies every {@code TaskDecorator} bean
 * to the executors and schedulers it builds.
 */
public class FallomSessionTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable runnable) {
		return FallomSessionHolder.wrap(runnable);
	}

}
