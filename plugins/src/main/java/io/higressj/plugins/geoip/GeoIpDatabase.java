package io.higressj.plugins.geoip;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ip2region database in memory: sorted, non-overlapping address ranges (IPv4 and IPv6 apart) and
 * the region of each, found by binary search. Immutable, so one instance serves every route and event
 * loop; {@link #load} shares it between configurations that name the same unchanged file.
 *
 * <p>Two file formats are read, told apart by their first bytes:
 *
 * <ul>
 *   <li>xdb, the binary format of ip2region's makers: a 256-byte header (u16 structure version 2 or 3,
 *       u16 index policy, u32 creation time, u32 first and u32 last segment index pointer; version 3
 *       adds u16 IP version 4 or 6 at 16), a 256×256 vector index of 8-byte entries (not needed for an
 *       in-memory search), the region strings, then the segment index: for IPv4 14-byte entries (start
 *       and end address u32 little endian, data length u16, data pointer u32), for IPv6 38-byte entries
 *       (start and end address as 16 bytes in network order, data length u16, data pointer u32).
 *   <li>text, ip2region's source format: one range a line, {@code startIp|endIp|region}, in ascending
 *       order ({@code ip.merge.txt}, {@code ipv4_source.txt}, {@code ipv6_source.txt}).
 * </ul>
 *
 * <p>A region is {@code |}-separated fields; which field is what is the {@code fields} layout, detected
 * from the data unless configured. {@code 0}, ip2region's "unknown", is read as empty, as in Higress.
 */
final class GeoIpDatabase {
  static final int HEADER_LENGTH = 256;
  static final int VECTOR_INDEX_LENGTH = 256 * 256 * 8;
  static final int V4_ENTRY = 14;
  static final int V6_ENTRY = 38;

  /** the layout of ip2region's own data since its 3.0 release (ipv4_source.txt, ip2region_v4.xdb) */
  static final List<String> LAYOUT_V3 = List.of("country", "province", "city", "isp", "iso");
  /** the layout before (ip.merge.txt, ip2region.xdb): the second field is an unused "region" */
  static final List<String> LAYOUT_LEGACY = List.of("country", "region", "province", "city", "isp");

  private final int[] v4Start;
  private final int[] v4End;
  private final GeoRegion[] v4Region;
  private final long[] v6StartHi;
  private final long[] v6StartLo;
  private final long[] v6EndHi;
  private final long[] v6EndLo;
  private final GeoRegion[] v6Region;
  private final List<String> fields;

  private GeoIpDatabase(Ranges v4, Ranges v6, List<String> fields) {
    this.v4Start = v4.startLo.toInts();
    this.v4End = v4.endLo.toInts();
    this.v4Region = v4.regions.toArray(new GeoRegion[0]);
    this.v6StartHi = v6.startHi.toLongs();
    this.v6StartLo = v6.startLo.toLongs();
    this.v6EndHi = v6.endHi.toLongs();
    this.v6EndLo = v6.endLo.toLongs();
    this.v6Region = v6.regions.toArray(new GeoRegion[0]);
    this.fields = fields;
  }

  int v4Ranges() {
    return v4Start.length;
  }

  int v6Ranges() {
    return v6StartHi.length;
  }

  /** the layout the regions were read with */
  List<String> fields() {
    return fields;
  }

  /** the region of an IPv4 address (as an unsigned 32-bit value in an int), or null when no range holds it */
  GeoRegion lookupV4(int ip) {
    int lo = 0;
    int hi = v4Start.length - 1;
    while (lo <= hi) { // the last range starting at or below ip
      int mid = (lo + hi) >>> 1;
      if (Integer.compareUnsigned(v4Start[mid], ip) <= 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && Integer.compareUnsigned(ip, v4End[hi]) <= 0 ? v4Region[hi] : null;
  }

  /** the region of an IPv6 address given as its high and low 64 bits, or null */
  GeoRegion lookupV6(long ipHi, long ipLo) {
    int lo = 0;
    int hi = v6StartHi.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(v6StartHi[mid], v6StartLo[mid], ipHi, ipLo) <= 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && compare(ipHi, ipLo, v6EndHi[hi], v6EndLo[hi]) <= 0 ? v6Region[hi] : null;
  }

  private static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  // ------------------------------------------------------------------------------------- loading

  /** A file that is not a usable database; the message says why. */
  static final class FormatException extends Exception {
    FormatException(String message) {
      super(message);
    }
  }

  private record Key(Path path, List<String> fields) {}

  private record Loaded(FileTime modified, long size, Object fileKey, WeakReference<GeoIpDatabase> db) {}

  private static final Map<Key, Loaded> LOADED = new HashMap<>();

  /**
   * Loads {@code path}, or returns the instance already loaded from it while the file has not changed
   * (same size, modification time and file key) and a configuration still holds it. Runs on the
   * control plane, once per configuration change.
   *
   * @param fields the region layout, or null to detect it
   */
  static GeoIpDatabase load(Path path, List<String> fields) throws IOException, FormatException {
    Path p = path.toAbsolutePath().normalize();
    Key key = new Key(p, fields);
    synchronized (LOADED) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (!a.isRegularFile()) throw new IOException("not a regular file");
      Loaded l = LOADED.get(key);
      GeoIpDatabase db = l == null ? null : l.db().get();
      if (db != null && l.modified().equals(a.lastModifiedTime()) && l.size() == a.size()
          && Objects.equals(l.fileKey(), a.fileKey())) {
        return db;
      }
      LOADED.values().removeIf(x -> x.db().get() == null);
      db = parse(Files.readAllBytes(p), fields);
      LOADED.put(key, new Loaded(a.lastModifiedTime(), a.size(), a.fileKey(), new WeakReference<>(db)));
      return db;
    }
  }

  /** Reads a database from the bytes of an xdb or text file. */
  static GeoIpDatabase parse(byte[] file, List<String> fields) throws FormatException {
    if (file.length == 0) throw new FormatException("empty file (expected: an ip2region xdb or text database)");
    int version = file.length >= 2 ? u16(file, 0) : -1;
    Raw raw = version == 2 || version == 3 ? readXdb(file, version) : readText(file);
    if (raw.v4.size() + raw.v6.size() == 0) throw new FormatException("no address ranges");
    List<String> layout = fields != null ? fields : detectLayout(raw.regionTexts);
    Map<String, GeoRegion> regions = new HashMap<>();
    for (String text : raw.regionTexts) regions.put(text, region(text, layout));
    return new GeoIpDatabase(raw.v4.build(regions), raw.v6.build(regions), layout);
  }

  /**
   * ip2region 3.0's own data ends almost every region with a two-letter country code ({@code
   * 中国|广东省|深圳市|电信|CN}); the older data has five fields too, but ends with the ISP. Regions of
   * five fields ending with a code (a few odd ones aside: under 5%) get the 3.0 layout, anything else
   * the older one.
   */
  static List<String> detectLayout(Iterable<String> regionTexts) {
    long codes = 0;
    long others = 0;
    for (String text : regionTexts) {
      String[] f = text.split("\\|", -1);
      String last = f[f.length - 1].trim();
      if (f.length == 5 && last.length() == 2 && last.charAt(0) >= 'A' && last.charAt(0) <= 'Z'
          && last.charAt(1) >= 'A' && last.charAt(1) <= 'Z') {
        codes++;
      } else if (f.length != 5 || !(last.equals("0") || last.isEmpty())) {
        others++;
      }
    }
    return codes > 0 && others * 20 < codes ? LAYOUT_V3 : LAYOUT_LEGACY;
  }

  private static GeoRegion region(String text, List<String> layout) {
    String[] f = text.split("\\|", -1);
    String country = "";
    String province = "";
    String city = "";
    String isp = "";
    for (int i = 0; i < layout.size() && i < f.length; i++) {
      String v = f[i].trim();
      if (v.equals("0")) v = "";
      switch (layout.get(i)) {
        case "country" -> country = v;
        case "province" -> province = v;
        case "city" -> city = v;
        case "isp" -> isp = v;
        default -> { } // region, iso or anything else: not passed on
      }
    }
    return GeoRegion.of(country, province, city, isp);
  }

  /** ranges as read, regions as their text, before the layout is known */
  private record Raw(RangeBuilder v4, RangeBuilder v6, List<String> regionTexts) {}

  private static Raw readXdb(byte[] b, int version) throws FormatException {
    int minimum = HEADER_LENGTH + VECTOR_INDEX_LENGTH;
    if (b.length < minimum) {
      throw new FormatException("truncated xdb file: " + b.length + " bytes (expected: at least " + minimum
          + " for the header and the vector index)");
    }
    boolean v6 = false;
    if (version == 3) {
      int ipVersion = u16(b, 16);
      if (ipVersion == 6) v6 = true;
      else if (ipVersion != 4) throw new FormatException("xdb header: IP version " + ipVersion + " (expected: 4 or 6)");
    }
    int entry = v6 ? V6_ENTRY : V4_ENTRY;
    long first = u32(b, 8);
    long last = u32(b, 12);
    if (first < minimum || last < first || (last - first) % entry != 0 || last + entry > b.length) {
      throw new FormatException("truncated or corrupt xdb file: segment index " + first + ".." + last + " in "
          + b.length + " bytes");
    }
    RangeBuilder ranges = new RangeBuilder(v6);
    Map<Long, String> texts = new HashMap<>();
    List<String> distinct = new ArrayList<>();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    int ipBytes = v6 ? 16 : 4;
    for (long p = first; p <= last; p += entry) {
      int at = (int) p;
      long sHi;
      long sLo;
      long eHi;
      long eLo;
      if (v6) {
        sHi = be64(b, at);
        sLo = be64(b, at + 8);
        eHi = be64(b, at + 16);
        eLo = be64(b, at + 24);
      } else {
        sHi = 0;
        sLo = u32(b, at);
        eHi = 0;
        eLo = u32(b, at + 4);
      }
      int length = u16(b, at + 2 * ipBytes);
      long ptr = u32(b, at + 2 * ipBytes + 2);
      if (length == 0) continue; // an empty region: no answer for the range, as ip2region's searchers
      if (ptr < minimum || ptr + length > b.length) {
        throw new FormatException("corrupt xdb file: segment index entry at " + p + " points outside the file");
      }
      String text = texts.get(ptr);
      if (text == null) {
        try {
          text = decoder.decode(ByteBuffer.wrap(b, (int) ptr, length)).toString();
        } catch (CharacterCodingException e) {
          throw new FormatException("corrupt xdb file: the region at " + ptr + " is not UTF-8");
        }
        texts.put(ptr, text);
        distinct.add(text);
      }
      String problem = ranges.add(sHi, sLo, eHi, eLo, text);
      if (problem != null) throw new FormatException("corrupt xdb file: segment index entry at " + p + ": " + problem);
    }
    RangeBuilder empty = new RangeBuilder(!v6);
    return v6 ? new Raw(empty, ranges, distinct) : new Raw(ranges, empty, distinct);
  }

  private static Raw readText(byte[] b) throws FormatException {
    String all;
    try {
      all = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException("neither an xdb file nor UTF-8 text (expected: an ip2region xdb or text database)");
    }
    RangeBuilder v4 = new RangeBuilder(false);
    RangeBuilder v6 = new RangeBuilder(true);
    Map<String, String> interned = new HashMap<>();
    long[] s6 = new long[2];
    long[] e6 = new long[2];
    int lineNo = 0;
    int start = 0;
    while (start < all.length()) {
      int end = all.indexOf('\n', start);
      if (end < 0) end = all.length();
      lineNo++;
      String line = all.substring(start, end).strip();
      start = end + 1;
      if (line.isEmpty()) continue;
      int bar1 = line.indexOf('|');
      int bar2 = bar1 < 0 ? -1 : line.indexOf('|', bar1 + 1);
      if (bar2 < 0 || bar2 == line.length() - 1) {
        throw new FormatException("line " + lineNo + ": " + quote(line) + " (expected: startIp|endIp|region)");
      }
      String problem;
      String startText = line.substring(0, bar1).trim();
      String endText = line.substring(bar1 + 1, bar2).trim();
      long s4 = IpLiterals.parseV4(startText, 0, startText.length());
      long e4 = IpLiterals.parseV4(endText, 0, endText.length());
      String text = interned.computeIfAbsent(line.substring(bar2 + 1), t -> t);
      if (s4 >= 0 && e4 >= 0) {
        problem = v4.add(0, s4, 0, e4, text);
      } else if (IpLiterals.parseV6(startText, 0, startText.length(), s6)
          && IpLiterals.parseV6(endText, 0, endText.length(), e6)) {
        problem = v6.add(s6[0], s6[1], e6[0], e6[1], text);
      } else {
        throw new FormatException("line " + lineNo + ": " + quote(line)
            + " (expected: startIp|endIp|region, both addresses IPv4 or both IPv6)");
      }
      if (problem != null) throw new FormatException("line " + lineNo + ": " + problem);
    }
    return new Raw(v4, v6, new ArrayList<>(interned.values()));
  }

  private static String quote(String line) {
    return "\"" + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "\"";
  }

  /** Collects ascending ranges, joining neighbours of the same region (xdb splits ranges at /16 borders). */
  private static final class RangeBuilder {
    final boolean v6;
    final LongList startHi = new LongList();
    final LongList startLo = new LongList();
    final LongList endHi = new LongList();
    final LongList endLo = new LongList();
    final List<String> texts = new ArrayList<>();

    RangeBuilder(boolean v6) {
      this.v6 = v6;
    }

    int size() {
      return texts.size();
    }

    /** adds a range; a message when it is empty, out of order or overlapping, else null */
    String add(long sHi, long sLo, long eHi, long eLo, String text) {
      if (compare(sHi, sLo, eHi, eLo) > 0) return "the range ends before it starts";
      int n = texts.size();
      if (n > 0) {
        long lastHi = endHi.get(n - 1);
        long lastLo = endLo.get(n - 1);
        if (compare(sHi, sLo, lastHi, lastLo) <= 0) {
          return "the range starts at or before the end of the previous one (expected: ascending ranges, no overlaps)";
        }
        long nextLo = lastLo + 1;
        long nextHi = nextLo == 0 ? lastHi + 1 : lastHi;
        if (sHi == nextHi && sLo == nextLo && texts.get(n - 1).equals(text)) {
          endHi.set(n - 1, eHi);
          endLo.set(n - 1, eLo);
          return null;
        }
      }
      startHi.add(sHi);
      startLo.add(sLo);
      endHi.add(eHi);
      endLo.add(eLo);
      texts.add(text);
      return null;
    }

    Ranges build(Map<String, GeoRegion> regions) {
      List<GeoRegion> out = new ArrayList<>(texts.size());
      for (String t : texts) out.add(regions.get(t));
      return new Ranges(startHi, startLo, endHi, endLo, out);
    }
  }

  private record Ranges(LongList startHi, LongList startLo, LongList endHi, LongList endLo, List<GeoRegion> regions) {}

  private static final class LongList {
    long[] values = new long[64];
    int size;

    void add(long v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }

    long get(int i) {
      return values[i];
    }

    void set(int i, long v) {
      values[i] = v;
    }

    long[] toLongs() {
      return Arrays.copyOf(values, size);
    }

    int[] toInts() {
      int[] out = new int[size];
      for (int i = 0; i < size; i++) out[i] = (int) values[i];
      return out;
    }
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  static long u32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
  }

  private static long be64(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 8).getLong();
  }
}
