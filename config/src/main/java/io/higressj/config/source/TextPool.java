package io.higressj.config.source;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Shares the strings that repeat across a configuration's files: field names ({@code apiVersion},
 * {@code metadata}, {@code name} ...) and short values ({@code networking.k8s.io/v1}, {@code Prefix}, a
 * namespace, {@code http}). 20,000 Ingresses with their Services and Endpoints hold about 1.6 million
 * strings as read, most of them copies of a few hundred; sharing them takes roughly a third off the
 * heap the objects need and the garbage collector's work while a large directory is read.
 *
 * <p>A direct-mapped cache, not an intern table: a slot holds the last string that hashed to it, and a
 * different one simply replaces it, so names that occur once (object names, hosts) cost one slot write
 * and nothing stays that is not in use elsewhere. Slots are read and written without locks by the
 * reader threads: a reference write is atomic and strings and text nodes are immutable, so a racing
 * reader sees either string, both equal to what it asked for or not, and checks the content anyway.
 */
final class TextPool {
  /** longer strings are rarely repeated (certificates, scripts) and costly to compare */
  static final int MAX_LENGTH = 64;
  private static final int SLOTS = 1 << 14;
  private static final String[] NAMES = new String[SLOTS];
  private static final TextNode[] VALUES = new TextNode[SLOTS];

  private TextPool() {}

  private static int hash(String text, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) h = 31 * h + text.charAt(i);
    return (h ^ (h >>> 15)) & (SLOTS - 1);
  }

  private static boolean same(String s, String text, int from, int to) {
    return s != null && s.length() == to - from && text.regionMatches(from, s, 0, to - from);
  }

  /** {@code text.substring(from, to)}, shared with earlier reads of the same characters where possible. */
  static String name(String text, int from, int to) {
    if (to - from > MAX_LENGTH) return text.substring(from, to);
    int slot = hash(text, from, to);
    String s = NAMES[slot];
    if (same(s, text, from, to)) return s;
    s = text.substring(from, to);
    NAMES[slot] = s;
    return s;
  }

  /** A text node of {@code text.substring(from, to)}, shared with earlier reads of the same characters where possible. */
  static TextNode value(String text, int from, int to) {
    if (to - from > MAX_LENGTH) return TextNode.valueOf(text.substring(from, to));
    int slot = hash(text, from, to);
    TextNode n = VALUES[slot];
    if (n != null && same(n.textValue(), text, from, to)) return n;
    n = TextNode.valueOf(name(text, from, to));
    VALUES[slot] = n;
    return n;
  }
}
