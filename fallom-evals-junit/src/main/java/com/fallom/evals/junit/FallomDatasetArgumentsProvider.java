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

	/** The system property of the Fallom API key for {@code fallom:} datasets, else {@code FALLOM_API_KEY}. */
	static final String API_KEY_PROPERTY = "fallom.api-key";

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
			String apiKey = System.getProperty(API_KEY_PROPERTY);
			if (apiKey != null) {
				builder.apiKey(apiKey);
			}
			return EvalCases.of(builder.build().dataset(location.substring("fallom:".length())));
		}
		return EvalCases.load(location);
	}

}
