package io.higressj.testing.geoip;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds ip2region databases from ranges, the way ip2region's makers lay them out: a 256-byte header,
 * the 256×256 vector index (first and end segment index pointer per first-two-bytes prefix), the
 * region strings (each once), and the segment index, with ranges split where the first two address
 * bytes change. IPv4 entries are 14 bytes (addresses little endian), IPv6 entries 38 bytes (addresses
 * in network order).
 */
public final class Ip2RegionFiles {
  private Ip2RegionFiles() {}

  /** one line of ip2region's source format: {@code start|end|region} */
  public record Range(String start, String end, String region) {}

  public static Range range(String start, String end, String region) {
    return new Range(start, end, region);
  }

  /** an xdb file of structure 2 (IPv4 only, the format of ip2region.xdb before 3.0) */
  public static byte[] xdbV2(List<Range> ranges) {
    return xdb(ranges, 2, false);
  }

  /** an xdb file of structure 3 (ip2region 3.0), for IPv4 or IPv6 ranges */
  public static byte[] xdbV3(List<Range> ranges, boolean ipv6) {
    return xdb(ranges, 3, ipv6);
  }

  /** the text source format, one range a line */
  public static byte[] text(List<Range> ranges) {
    StringBuilder sb = new StringBuilder();
    for (Range r : ranges) sb.append(r.start()).append('|').append(r.end()).append('|').append(r.region()).append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] xdb(List<Range> ranges, int version, boolean ipv6) {
    int bytes = ipv6 ? 16 : 4;
    int entry = ipv6 ? 38 : 14;
    int headerLength = 256;
    int vectorLength = 256 * 256 * 8;
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<String, int[]> regions = new LinkedHashMap<>(); // region -> {ptr, length}
    for (Range r : ranges) {
      regions.computeIfAbsent(r.region(), k -> {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        int[] at = {headerLength + vectorLength + data.size(), b.length};
        data.writeBytes(b);
        return at;
      });
    }
    int indexStart = headerLength + vectorLength + data.size();
    List<byte[]> entries = new ArrayList<>();
    byte[] vector = new byte[vectorLength];
    BigInteger block = BigInteger.ONE.shiftLeft(bytes * 8 - 16);
    for (Range r : ranges) {
      BigInteger s = address(r.start(), bytes);
      BigInteger e = address(r.end(), bytes);
      int[] region = regions.get(r.region());
      while (s.compareTo(e) <= 0) {
        BigInteger blockEnd = s.divide(block).multiply(block).add(block).subtract(BigInteger.ONE);
        BigInteger segEnd = blockEnd.min(e);
        byte[] en = new byte[entry];
        if (ipv6) {
          System.arraycopy(bigEndian(s, 16), 0, en, 0, 16);
          System.arraycopy(bigEndian(segEnd, 16), 0, en, 16, 16);
        } else {
          le(en, 0, s.longValue(), 4);
          le(en, 4, segEnd.longValue(), 4);
        }
        le(en, 2 * bytes, region[1], 2);
        le(en, 2 * bytes + 2, region[0], 4);
        long pos = indexStart + (long) entries.size() * entry;
        byte[] be = bigEndian(s, bytes);
        int idx = ((be[0] & 0xff) * 256 + (be[1] & 0xff)) * 8;
        if (leGet(vector, idx) == 0) le(vector, idx, pos, 4);
        le(vector, idx + 4, pos + entry, 4);
        entries.add(en);
        s = segEnd.add(BigInteger.ONE);
      }
    }
    byte[] header = new byte[headerLength];
    le(header, 0, version, 2);
    le(header, 2, 1, 2); // index policy: vector index
    le(header, 4, 1_700_000_000L, 4);
    le(header, 8, indexStart, 4);
    le(header, 12, indexStart + (long) (entries.size() - 1) * entry, 4);
    if (version >= 3) {
      le(header, 16, ipv6 ? 6 : 4, 2);
      le(header, 18, 4, 2); // runtime pointer bytes
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(vector);
    out.writeBytes(data.toByteArray());
    for (byte[] en : entries) out.writeBytes(en);
    return out.toByteArray();
  }

  private static BigInteger address(String ip, int bytes) {
    try {
      byte[] b = InetAddress.getByName(ip).getAddress();
      if (b.length != bytes) throw new IllegalArgumentException(ip + ": expected an IPv" + (bytes == 4 ? 4 : 6) + " address");
      return new BigInteger(1, b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  private static byte[] bigEndian(BigInteger v, int bytes) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[bytes];
    int n = Math.min(raw.length, bytes);
    System.arraycopy(raw, raw.length - n, out, bytes - n, n);
    return out;
  }

  private static void le(byte[] b, int at, long v, int n) {
    for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * i));
  }

  private static long leGet(byte[] b, int at) {
    long v = 0;
    for (int i = 3; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
    return v;
  }
}
