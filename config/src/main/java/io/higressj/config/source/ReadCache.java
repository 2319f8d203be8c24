package io.higressj.config.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What a configuration directory's files held when they were last read, kept in one file between runs
 * (the <em>read cache</em>), so that a start on a large directory takes the objects of every file whose
 * {@link DirectoryConfigSource.Stamp stamp} (device and inode, size, modification time) is the one it had
 * then, instead of opening and parsing tens of thousands of files. The objects go through the same
 * merge and translation as objects just read: only reading and parsing are skipped.
 *
 * <ul>
 *   <li>Only files read without problems and whose stamp was settled when read (written more than two
 *       seconds before) are kept, the same rule by which a rescan decides that a file is unchanged.
 *   <li>The file is bound to the directory (its absolute path) and to the reader: a build of the
 *       gateway with different classes in this package writes and accepts only its own (the reading
 *       rules are part of what is cached). A file that is damaged, truncated, of another format or
 *       another build is ignored (and replaced at the next write): the directory is read as usual.
 *   <li>Written under a temporary name and renamed, so a start never sees half a file; readable by
 *       its owner only (the objects include Secrets). A cache directory keeps the files of the {@link
 *       #KEEP} directories written last.
 * </ul>
 *
 * <p>Format (all integers unsigned LEB128 varints unless said otherwise): magic {@code HJRC}, the reader
 * id and the root as strings, the number of files, then per file its path relative to the root, file
 * key, size, modification time (8 bytes, nanoseconds) and its objects (group, kind, namespace, name,
 * apiVersion, body as a tree), and at the end a CRC32C of everything before it (4 bytes). A string is
 * written once: later occurrences are its index (odd values), a new one its UTF-8 length (even) and bytes.
 */
final class ReadCache {
  private static final System.Logger LOG = System.getLogger(ReadCache.class.getName());
  private static final byte[] MAGIC = {'H', 'J', 'R', 'C'};
  /** raised when the format or what a reader makes of a file changes in a way the build id would not tell */
  static final int FORMAT = 1;
  /** cache files kept in one cache directory (one per configuration directory), the oldest removed first */
  static final int KEEP = 16;
  private static final String PREFIX = "config-";
  private static final String SUFFIX = ".cache";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final int OBJECT = 0;
  private static final int ARRAY = 1;
  private static final int TEXT = 2;
  private static final int INT = 3;
  private static final int LONG = 4;
  private static final int DOUBLE = 5;
  private static final int TRUE = 6;
  private static final int FALSE = 7;
  private static final int NULL = 8;
  private static final int BIG_INTEGER = 9;
  private static final int DECIMAL = 10;

  private ReadCache() {}

  /** What one file held: its stamp when read and its objects. */
  record Entry(DirectoryConfigSource.Stamp stamp, List<Resource> resources) {}

  /** The cache file of configuration directory {@code root} in {@code cacheDir}. */
  static Path fileFor(Path cacheDir, Path root) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(root.toString().getBytes(StandardCharsets.UTF_8));
      return cacheDir.resolve(PREFIX + HexFormat.of().formatHex(d, 0, 12) + SUFFIX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static volatile String readerId;

  /**
   * Identifies the build of the reader: the format, and the size and time of the jar this class came
   * from, or the latest time of this package's classes when it runs from a directory of classes.
   */
  static String readerId() {
    String id = readerId;
    if (id != null) return id;
    String where;
    try {
      Path code = Path.of(ReadCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(code)) {
        where = code + ":" + Files.size(code) + ":" + Files.getLastModifiedTime(code).toMillis();
      } else {
        Path pkg = code.resolve(ReadCache.class.getPackageName().replace('.', '/'));
        long latest = 0;
        try (DirectoryStream<Path> classes = Files.newDirectoryStream(pkg, "*.class")) {
          for (Path c : classes) latest = Math.max(latest, Files.getLastModifiedTime(c).toMillis());
        }
        where = code + ":" + latest;
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      where = "unknown:" + System.nanoTime(); // cannot tell the build: accept no cache but our own
    }
    id = "format " + FORMAT + " " + where;
    readerId = id;
    return id;
  }

  /**
   * The entries cached for {@code root} in {@code file}, by the absolute path of each file (as {@link
   * Path#toString}); empty when there is no usable cache, which is logged with the reason unless the
   * file does not exist.
   */
  static Map<String, Entry> load(Path file, Path root) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      LOG.log(Level.INFO, "config read cache {0} not used: {1}", file, e.toString());
      return Map.of();
    }
    try {
      return decode(bytes, root);
    } catch (Unusable e) {
      LOG.log(Level.INFO, "config read cache {0} not used: {1}", file, e.getMessage());
    } catch (RuntimeException e) { // a damaged file that passed the checksum: only by a bug of ours
      LOG.log(Level.WARNING, "config read cache " + file + " not used: cannot decode it", e);
    }
    return Map.of();
  }

  /** Why a cache file cannot be used (expected: another build, another directory, damage). */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  static Map<String, Entry> decode(byte[] bytes, Path root) throws Unusable {
    if (bytes.length < MAGIC.length + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new Unusable("not a read cache");
    }
    int end = bytes.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, end);
    int stored = (bytes[end] & 0xff) << 24 | (bytes[end + 1] & 0xff) << 16 | (bytes[end + 2] & 0xff) << 8 | bytes[end + 3] & 0xff;
    if ((int) crc.getValue() != stored) throw new Unusable("damaged (checksum)");
    In in = new In(bytes, MAGIC.length, end);
    if (!in.string().equals(readerId())) throw new Unusable("written by another build");
    String cachedRoot = in.string();
    if (!cachedRoot.equals(root.toString())) throw new Unusable("written for " + cachedRoot);
    String prefix = cachedRoot.endsWith(root.getFileSystem().getSeparator()) ? cachedRoot
        : cachedRoot + root.getFileSystem().getSeparator();
    int files = in.count();
    Map<String, Entry> entries = HashMap.newHashMap(files);
    // a call per file: this loop runs once, over every file, so it would run interpreted
    for (int f = 0; f < files; f++) file(in, prefix, entries);
    if (in.at != end) throw new IllegalStateException("trailing bytes");
    return entries;
  }

  /** Decodes the next file's entry into {@code entries}. */
  private static void file(In in, String prefix, Map<String, Entry> entries) {
    String path = prefix + in.string();
    DirectoryConfigSource.Stamp stamp = new DirectoryConfigSource.Stamp(in.string(), in.varlong(), in.fixed64());
    int n = in.count();
    Resource[] resources = new Resource[n];
    for (int r = 0; r < n; r++) {
      ResourceKey key = new ResourceKey(in.string(), in.string(), in.string(), in.string());
      String apiVersion = in.string();
      if (in.tag() != OBJECT) throw new IllegalStateException("an object's body is not a mapping");
      resources[r] = new Resource(key, apiVersion, in.object(), path);
    }
    entries.put(path, new Entry(stamp, List.of(resources)));
  }

  /**
   * Writes {@code entries} (by absolute path, all below {@code root}) as the cache of {@code root} to
   * {@code file}, then removes the oldest cache files beyond {@link #KEEP} from its directory. Entries
   * holding a node this format does not represent are left out (read from their files next time).
   */
  static void write(Path file, Path root, Map<Path, Entry> entries) throws IOException {
    byte[] bytes = encode(root, entries);
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    // the objects include Secrets (private keys): only the owner may read them, whatever the umask
    if (posix) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    else Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      if (posix) Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    prune(dir, file);
  }

  static byte[] encode(Path root, Map<Path, Entry> entries) {
    Out out = new Out();
    out.raw(MAGIC);
    out.string(readerId());
    out.string(root.toString());
    List<Map.Entry<Path, Entry>> kept = new ArrayList<>(entries.size());
    for (Map.Entry<Path, Entry> e : entries.entrySet()) {
      if (!e.getKey().startsWith(root) || e.getKey().equals(root)) continue;
      boolean representable = true;
      for (Resource r : e.getValue().resources()) representable &= representable(r.body());
      if (representable) kept.add(e);
    }
    out.varlong(kept.size());
    for (Map.Entry<Path, Entry> e : kept) {
      DirectoryConfigSource.Stamp s = e.getValue().stamp();
      out.string(root.relativize(e.getKey()).toString());
      out.string(s.fileKey().toString());
      out.varlong(s.size());
      out.fixed64(s.modifiedNanos());
      out.varlong(e.getValue().resources().size());
      for (Resource r : e.getValue().resources()) {
        ResourceKey k = r.key();
        out.string(k.group());
        out.string(k.kind());
        out.string(k.namespace());
        out.string(k.name());
        out.string(r.apiVersion());
        out.node(r.body());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(out.buf, 0, out.n);
    int c = (int) crc.getValue();
    out.raw(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
    return Arrays.copyOf(out.buf, out.n);
  }

  /** Whether {@code n} holds only nodes this format writes (the kinds the YAML readers produce). */
  private static boolean representable(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> f : o.properties()) {
        if (!representable(f.getValue())) return false;
      }
      return true;
    }
    if (n instanceof ArrayNode a) {
      for (JsonNode x : a) {
        if (!representable(x)) return false;
      }
      return true;
    }
    return n instanceof TextNode || n instanceof IntNode || n instanceof LongNode || n instanceof DoubleNode
        || n instanceof BooleanNode || n instanceof NullNode || n instanceof BigIntegerNode || n instanceof DecimalNode;
  }

  /**
   * Keeps the {@link #KEEP} cache files written last in {@code dir} (and {@code current} in any case),
   * and removes temporary files that a process stopped while writing left behind over an hour ago.
   */
  private static void prune(Path dir, Path current) {
    List<Path> caches = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
      long hourAgo = System.currentTimeMillis() - 3_600_000;
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX)) caches.add(p);
        else if (name.endsWith(".tmp") && Files.getLastModifiedTime(p).toMillis() < hourAgo) Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      return;
    }
    if (caches.size() <= KEEP) return;
    Map<Path, FileTime> times = new HashMap<>();
    for (Path p : caches) {
      try {
        times.put(p, Files.getLastModifiedTime(p));
      } catch (IOException e) {
        times.put(p, FileTime.fromMillis(Long.MAX_VALUE)); // gone or unreadable: leave it
      }
    }
    caches.sort((a, b) -> times.get(b).compareTo(times.get(a)));
    for (Path p : caches.subList(KEEP, caches.size())) {
      if (p.equals(current)) continue;
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "cannot remove old read cache " + p, e);
      }
    }
  }

  private static final class Out {
    byte[] buf = new byte[1 << 16];
    int n;
    private final HashMap<String, Integer> strings = new HashMap<>();

    private void room(int k) {
      if (n + k > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
    }

    void raw(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }

    void varlong(long v) {
      room(10);
      while ((v & ~0x7fL) != 0) {
        buf[n++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[n++] = (byte) v;
    }

    void fixed64(long v) {
      room(8);
      for (int i = 56; i >= 0; i -= 8) buf[n++] = (byte) (v >>> i);
    }

    void string(String s) {
      Integer index = strings.putIfAbsent(s, strings.size());
      if (index != null) {
        varlong((long) index << 1 | 1);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varlong((long) b.length << 1);
      raw(b);
    }

    void node(JsonNode node) {
      switch (node) {
        case ObjectNode o -> {
          varlong(OBJECT);
          varlong(o.size());
          for (Map.Entry<String, JsonNode> f : o.properties()) {
            string(f.getKey());
            node(f.getValue());
          }
        }
        case ArrayNode a -> {
          varlong(ARRAY);
          varlong(a.size());
          for (JsonNode x : a) node(x);
        }
        case TextNode t -> {
          varlong(TEXT);
          string(t.textValue());
        }
        case IntNode i -> {
          varlong(INT);
          varlong(zigzag(i.intValue()));
        }
        case LongNode l -> {
          varlong(LONG);
          varlong(zigzag(l.longValue()));
        }
        case DoubleNode d -> {
          varlong(DOUBLE);
          fixed64(Double.doubleToRawLongBits(d.doubleValue()));
        }
        case BooleanNode b -> varlong(b.booleanValue() ? TRUE : FALSE);
        case NullNode x -> varlong(NULL);
        case BigIntegerNode b -> {
          varlong(BIG_INTEGER);
          string(b.bigIntegerValue().toString());
        }
        case DecimalNode d -> {
          varlong(DECIMAL);
          string(d.decimalValue().toString());
        }
        default -> throw new IllegalArgumentException("not representable: " + node.getNodeType());
      }
    }

    private static long zigzag(long v) {
      return (v << 1) ^ (v >> 63);
    }
  }

  private static final class In {
    private final byte[] b;
    private final int end;
    int at;
    private String[] strings = new String[4096];
    private TextNode[] texts = new TextNode[4096];
    private int count;

    In(byte[] b, int at, int end) {
      this.b = b;
      this.at = at;
      this.end = end;
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at >= end) throw new IllegalStateException("truncated");
        byte x = b[at++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) return v;
      }
      throw new IllegalStateException("varint too long");
    }

    int count() {
      long v = varlong();
      if (v > end - at) throw new IllegalStateException("count beyond the data: " + v); // each item takes a byte at least
      return (int) v;
    }

    long fixed64() {
      if (end - at < 8) throw new IllegalStateException("truncated");
      long v = 0;
      for (int i = 0; i < 8; i++) v = v << 8 | (b[at++] & 0xff);
      return v;
    }

    int tag() {
      return (int) varlong();
    }

    /** The index of the next string, reading its bytes when it is new. */
    private int stringIndex() {
      long v = varlong();
      if ((v & 1) != 0) {
        long i = v >>> 1;
        if (i >= count) throw new IllegalStateException("string index out of range");
        return (int) i;
      }
      long len = v >>> 1;
      if (len > end - at) throw new IllegalStateException("truncated string");
      String s = new String(b, at, (int) len, StandardCharsets.UTF_8);
      at += (int) len;
      if (count == strings.length) {
        strings = Arrays.copyOf(strings, count * 2);
        texts = Arrays.copyOf(texts, count * 2);
      }
      strings[count] = s;
      return count++;
    }

    String string() {
      int i = stringIndex(); // first: it may replace the array
      return strings[i];
    }

    /** A text node, the same instance for the same text (they are immutable). */
    TextNode text() {
      int i = stringIndex();
      TextNode t = texts[i];
      if (t == null) {
        t = TextNode.valueOf(strings[i]);
        texts[i] = t;
      }
      return t;
    }

    ObjectNode object() {
      int n = count();
      FieldMap fields = new FieldMap(n);
      for (int i = 0; i < n; i++) {
        String name = string();
        fields.put(name, node());
      }
      return new ObjectNode(NODES, fields);
    }

    JsonNode node() {
      int tag = tag();
      return switch (tag) {
        case OBJECT -> object();
        case ARRAY -> {
          int n = count();
          List<JsonNode> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) items.add(node());
          yield new ArrayNode(NODES, items);
        }
        case TEXT -> text();
        case INT -> IntNode.valueOf((int) unzigzag(varlong()));
        case LONG -> LongNode.valueOf(unzigzag(varlong()));
        case DOUBLE -> DoubleNode.valueOf(Double.longBitsToDouble(fixed64()));
        case TRUE -> BooleanNode.TRUE;
        case FALSE -> BooleanNode.FALSE;
        case NULL -> NullNode.getInstance();
        case BIG_INTEGER -> BigIntegerNode.valueOf(new BigInteger(string()));
        case DECIMAL -> DecimalNode.valueOf(new BigDecimal(string()));
        default -> throw new IllegalStateException("unknown node tag " + tag);
      };
    }

    private static long unzigzag(long v) {
      return (v >>> 1) ^ -(v & 1);
    }
  }
}
