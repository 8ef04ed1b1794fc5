package dev.aiwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void agentArgsWinOverSystemPropertiesWhichWinOverEnvironment() {
    Map<String, String> props = new HashMap<>();
    props.put("aiwarden.policy", "/from/sysprop.yaml");
    props.put("aiwarden.traces.file", "/from/sysprop.jsonl");
    Map<String, String> env = new HashMap<>();
    env.put("AIWARDEN_POLICY", "/from/env.yaml");
    env.put("AIWARDEN_TRACES_FILE", "/from/env.jsonl");
    env.put("AIWARDEN_AUDIT_FILE", "/from/env-audit.jsonl");
    AgentConfig config =
        new AgentConfig(AgentConfig.parseAgentArgs("policy=/from/args.yaml"), props, env);

    assertThat(config.get(AgentConfig.POLICY)).isEqualTo("/from/args.yaml");
    assertThat(config.get(AgentConfig.TRACES_FILE)).isEqualTo("/from/sysprop.jsonl");
    assertThat(config.get(AgentConfig.AUDIT_FILE)).isEqualTo("/from/env-audit.jsonl");
    assertThat(config.get(AgentConfig.LOG_LEVEL)).isNull();
    assertThat(config.get(AgentConfig.LOG_LEVEL, "info")).isEqualTo("info");
  }

  @Test
  void namesFollowTheOpenTelemetryNormalisation() {
    assertThat(AgentConfig.environmentName("traces.file")).isEqualTo("AIWARDEN_TRACES_FILE");
    assertThat(AgentConfig.propertyName("traces.file")).isEqualTo("aiwarden.traces.file");
    assertThat(AgentConfig.environmentName("log.level")).isEqualTo("AIWARDEN_LOG_LEVEL");
  }

  @Test
  void parsesAgentArguments() {
    Map<String, String> args =
        AgentConfig.parseAgentArgs(" policy = /p.yaml ,traces.file=/t.jsonl,, verbose");
    assertThat(args)
        .containsEntry("policy", "/p.yaml")
        .containsEntry("traces.file", "/t.jsonl")
        .containsEntry("verbose", "true")
        .hasSize(3);
    assertThat(AgentConfig.parseAgentArgs(null)).isEmpty();
    assertThat(AgentConfig.parseAgentArgs("  ")).isEmpty();
  }

  @Test
  void blankValuesCountAsUnset() {
    AgentConfig config =
        new AgentConfig(
            AgentConfig.parseAgentArgs("policy="),
            Collections.emptyMap(),
            Collections.singletonMap("AIWARDEN_POLICY", "/env.yaml"));
    assertThat(config.get(AgentConfig.POLICY)).isEqualTo("/env.yaml");
  }
}
