package io.viewsync.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseNamesTest {

  @Test
  void aClassNameIsLowercasedAndSuffixed() {
    assertThat(DatabaseNames.forName("SlotManagerIT", "abc123")).isEqualTo("slotmanagerit_abc123");
  }

  @Test
  void charactersOutsideIdentifiersBecomeUnderscores() {
    assertThat(DatabaseNames.forName("Outer$Inner-Ünïcode", "1")).isEqualTo("outer_inner_n_code_1");
  }

  @Test
  void aNameNotStartingWithALetterGetsAPrefix() {
    assertThat(DatabaseNames.forName("_Weird", "1")).isEqualTo("t__weird_1");
  }

  @Test
  void longNamesAreCutToSixtyThreeBytesKeepingTheSuffix() {
    String name = DatabaseNames.forName("A".repeat(100), "deadbeef");
    assertThat(name).hasSize(63).endsWith("_deadbeef").startsWith("aaaa");
  }

  @Test
  void twoNamesForTheSameClassDiffer() {
    assertThat(DatabaseNames.forTestClass(DatabaseNamesTest.class))
        .startsWith("databasenamestest_")
        .isNotEqualTo(DatabaseNames.forTestClass(DatabaseNamesTest.class));
  }
}
