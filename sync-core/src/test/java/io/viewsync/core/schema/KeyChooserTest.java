package io.viewsync.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyChooserTest {
  private static IndexSpec pk(String... cols) {
    return new IndexSpec("t_pkey", List.of(cols), true, true, false, false, false);
  }

  private static IndexSpec unique(String name, String... cols) {
    return new IndexSpec(name, List.of(cols), true, false, false, false, false);
  }

  private static IndexSpec plain(String name, String... cols) {
    return new IndexSpec(name, List.of(cols), false, false, false, false, false);
  }

  @Test
  void thePrimaryKeyIsTheKey() {
    var key = KeyChooser.choose(List.of(unique("u", "a"), pk("id")), Set.of("id", "a"), 'd', new StringBuilder());
    assertThat(key).get().extracting(KeyChooser.Key::columns).isEqualTo(List.of("id"));
  }

  @Test
  void aUniqueIndexOverNotNullColumnsIsTheKeyWhenTheWholeOldRowIsSent() {
    var key = KeyChooser.choose(List.of(unique("u_ab", "a", "b")), Set.of("a", "b"), 'f', new StringBuilder());
    assertThat(key).get().extracting(KeyChooser.Key::columns).isEqualTo(List.of("a", "b"));
  }

  @Test
  void aUniqueIndexWithANullableColumnIsNeverAKey() {
    StringBuilder why = new StringBuilder();
    var key = KeyChooser.choose(List.of(unique("u_ab", "a", "b")), Set.of("a"), 'f', why);
    assertThat(key).isEmpty();
    assertThat(why.toString()).contains("nullable");
  }

  @Test
  void partialAndExpressionIndexesAreNeverKeys() {
    StringBuilder why = new StringBuilder();
    var key = KeyChooser.choose(List.of(new IndexSpec("p", List.of("a"), true, false, false, true, false),
        new IndexSpec("e", List.of(), true, false, false, false, true)), Set.of("a"), 'f', why);
    assertThat(key).isEmpty();
  }

  @Test
  void noIndexMeansNoKeyWithAReason() {
    StringBuilder why = new StringBuilder();
    assertThat(KeyChooser.choose(List.of(), Set.of(), 'd', why)).isEmpty();
    assertThat(why.toString()).contains("no primary key");
  }

  @Test
  void theReplicaIdentityIndexWinsOverThePrimaryKeyBecauseItsOldValuesAreWhatArrives() {
    var ri = new IndexSpec("t_code", List.of("code"), true, false, true, false, false);
    var key = KeyChooser.choose(List.of(pk("id"), ri), Set.of("id", "code"), 'i', new StringBuilder());
    assertThat(key).get().extracting(KeyChooser.Key::columns).isEqualTo(List.of("code"));
  }

  @Test
  void defaultIdentityWithoutPrimaryKeyIsUnsyncableAndSaysHowToFixIt() {
    StringBuilder why = new StringBuilder();
    assertThat(KeyChooser.choose(List.of(unique("u_a", "a")), Set.of("a"), 'd', why)).isEmpty();
    assertThat(why.toString()).contains("REPLICA IDENTITY USING INDEX u_a");
  }

  @Test
  void replicaIdentityNothingIsUnsyncable() {
    StringBuilder why = new StringBuilder();
    assertThat(KeyChooser.choose(List.of(pk("id")), Set.of("id"), 'n', why)).isEmpty();
    assertThat(why.toString()).contains("NOTHING");
  }

  @Test
  void aNonUniqueIndexIsNeverAKeyEvenOverNotNullColumns() {
    StringBuilder why = new StringBuilder();
    assertThat(KeyChooser.choose(List.of(plain("i_a", "a")), Set.of("a"), 'f', why)).isEmpty();
    assertThat(why.toString()).contains("no primary key");
  }
}
