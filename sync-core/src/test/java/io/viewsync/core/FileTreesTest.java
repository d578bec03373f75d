package io.viewsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

  @TempDir
  Path tmp;

  private Path tree() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root/a/b"));
    Files.writeString(root.resolve("f"), "x");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "k");
    Files.createSymbolicLink(tmp.resolve("root/link"), outside);
    return tmp.resolve("root");
  }

  @Test
  void deleteRemovesTheTreeButNotWhatItsLinksPointTo() throws Exception {
    Path root = tree();
    FileTrees.delete(root);
    assertThat(root).doesNotExist();
    assertThat(tmp.resolve("outside/keep")).hasContent("k");
    FileTrees.delete(root); // nothing there: nothing to do
  }

  @Test
  void deleteContentsKeepsTheRoot() throws Exception {
    Path root = tree();
    FileTrees.deleteContents(root);
    assertThat(root).isEmptyDirectory();
    assertThat(tmp.resolve("outside/keep")).exists();
  }
}
