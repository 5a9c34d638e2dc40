package com.fallom.evals.junit;

import java.util.List;
import java.util.stream.Stream;

import com.fallom.evals.FallomEvals;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.AnnotationBasedArgumentsProvider;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * Provides the cases of {@link FallomDatasetSource}.
 */
class FallomDatasetArgumentsProvider extends AnnotationBasedArgumentsProvider<FallomDatasetSource> {

	/** The system property naming the Fallom app's URL for {@code fallom:} datasets. */
	static final String APP_URL_PROPERTY = "fallom.evals.app-url";

	@Override
	protected Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context,
			FallomDatasetSource source) {
		return cases(source.value()).stream().map(Arguments::of);
	}

	static List<EvalCase> cases(String location) {
		if (location.startsWith("fallom:")) {
			FallomEvals.Builder builder = FallomEvals.builder();
			String appUrl = System.getProperty(APP_URL_PROPERTY);
			if (appUrl != null) {
				builder.appUrl(appUrl);
			}
			return EvalCases.of(builder.build().dataset(location.substring("fallom:".length())));
		}
		return EvalCases.load(location);
	}

}
