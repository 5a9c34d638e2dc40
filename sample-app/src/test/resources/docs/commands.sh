#!/usr/bin/env bash
# The shell commands that README.md and docs/*.md show, each a tagged region that the page
# quotes (DocsTests). DocumentedCommandsTests keeps them true: it starts the sample as the
# run-sample command does and runs every curl command against it, in this order, comparing
# each answer with the comment lines under it ("..." stands for text left out); it checks
# every mvn and java command against the build (modules, profiles, jars, test classes) and
# every FALLOM_ variable against the property it binds. DemoModeTests runs the demo command.
# Not meant to be run as a script.
exit 1

# tag::run-sample[]
mvn -B -q -pl sample-app -am package -DskipTests && java -jar sample-app/target/sample-app.jar
# end::run-sample[]

# tag::first-calls[]
curl -s localhost:8080/chat -H 'X-Fallom-Session-Id: user-1' -H 'Content-Type: application/json' \
    -d '{"message": "I cannot log in"}'
# {"sessionId":"user-1","model":"gpt-4o","configVersion":1,"assignedBy":"hash","promptKey":"support-friendly",
#  "promptVersion":1,"promptVariant":0,"reply":"[gpt-4o] Thanks for reaching out about \"I cannot log in\": ..."}
curl -s localhost:8080/feedback -H 'X-Fallom-Session-Id: user-1' -H 'Content-Type: application/json' \
    -d '{"satisfaction": 4, "resolved": true}'
curl -s localhost:8080/fallom/received     # what the mock backend received
# {"baseUrl":"http://127.0.0.1:8001","configFetches":1,"sessionsByModel":{"gpt-4o":1},"tracedCallsByModel":{"gpt-4o":1},
#  "tracedCallsByPrompt":{"support-friendly v1":1},"metrics":1,"latestMetrics":[{"config_key":"support-assistant",
#  "session_id":"user-1","data":{"satisfaction":4,"resolved":true}}]}
# end::first-calls[]

# tag::demo[]
java -jar sample-app/target/sample-app.jar --sample.demo.sessions=200
# end::demo[]

# tag::vip[]
curl -s localhost:8080/chat -H 'Content-Type: application/json' \
    -H 'X-Fallom-Session-Id: s-42' -H 'X-Fallom-Customer-Id: vip-1' -d '{"message": "Hi"}'
# {"sessionId":"s-42","model":"claude-3-5-sonnet","configVersion":1,"assignedBy":"individual_target",...}
# end::vip[]

# tag::enterprise[]
curl -s localhost:8080/chat -H 'Content-Type: application/json' \
    -H 'X-Fallom-Session-Id: s-43' -H 'X-Account-Plan: enterprise' -d '{"message": "Hi"}'
# {"sessionId":"s-43","model":"claude-3-5-sonnet","configVersion":1,"assignedBy":"rule",...}
# end::enterprise[]

# tag::real-backend[]
FALLOM_API_KEY=your-api-key java -jar sample-app/target/sample-app.jar
# end::real-backend[]

# tag::openai[]
mvn -B -q -Popenai -pl sample-app -am clean package -DskipTests   # clean: switching profiles
OPENAI_API_KEY=sk-... java -jar sample-app/target/sample-app.jar --spring.profiles.active=openai
# end::openai[]

# tag::environment[]
FALLOM_API_KEY=your-api-key
FALLOM_BASE_URL=http://localhost:8001     # one URL for every service, e.g. a local mock backend
FALLOM_CONFIGS_URL=https://configs.fallom.com   # each service's own URL (these are the defaults)
FALLOM_TRACES_URL=https://traces.fallom.com
FALLOM_PROMPTS_URL=https://prompts.fallom.com
FALLOM_CAPTURE_CONTENT=false              # privacy mode
# end::environment[]

# tag::building[]
mvn -B verify                                          # every module, every test (.ci/run)
mvn -B -Pboot-4.1 verify -pl '!benchmarks'             # the same on Spring Boot 4.1.2 (.ci/run, after the above)
.ci/browser-test                                       # after a build: the sample's page in headless Chromium
mvn -B -q -pl sample-app -am package -DskipTests       # just the sample app
mvn -B -pl fallom-core -am verify                      # the plain-Java engine, no Spring
mvn -B -pl fallom-spring-boot-autoconfigure -am verify # the engine, integrations and auto-configuration
java -jar benchmarks/target/benchmarks.jar             # the JMH benchmarks, after a build
# end::building[]

# tag::startup-benchmark[]
mvn -B -q -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar com.fallom.benchmarks.StartupBenchmark 10
# end::startup-benchmark[]

# tag::delivery-load-run[]
mvn -B -q -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar com.fallom.benchmarks.DeliveryLoadRun records 20000 50 separate
# end::delivery-load-run[]

# tag::real-judge[]
OPENROUTER_API_KEY=sk-or-... mvn -pl sample-app test -Dtest=SupportAssistantEvalTests \
    -Dspring.profiles.active=real-judge
# end::real-judge[]

# tag::refresh[]
curl -s -X POST localhost:8080/actuator/fallom
# {"mode":"online",...,"refresh":{"configs":{"result":"succeeded"},"prompts":{"result":"succeeded"},
#  "promptAbTests":{"result":"succeeded"}}}
# end::refresh[]
