package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The compiled parts of the traffic policies: address ranges, CORS origins, the token bucket. */
class TrafficModelTest {
  @Test
  void ipv4RangesAndSingleAddresses() {
    IpRanges r = IpRanges.of(List.of("10.0.0.0/8", "192.168.1.7", "172.16.5.9/12", "0.0.0.0/32"));
    assertThat(r.contains("10.0.0.0")).isTrue();
    assertThat(r.contains("10.255.255.255")).isTrue();
    assertThat(r.contains("11.0.0.0")).isFalse();
    assertThat(r.contains("192.168.1.7")).isTrue();
    assertThat(r.contains("192.168.1.70")).isFalse();
    assertThat(r.contains("172.31.0.1")).as("host bits of the range are masked").isTrue();
    assertThat(r.contains("172.32.0.1")).isFalse();
    assertThat(r.contains("0.0.0.0")).isTrue();
    assertThat(r.contains("010.0.0.1")).as("not an address").isFalse();
    assertThat(r.contains("10.0.0")).isFalse();
    assertThat(r.contains("::ffff:10.0.0.1")).as("IPv4-mapped IPv6 is IPv6").isFalse();
    assertThat(IpRanges.of(List.of("0.0.0.0/0")).contains("8.8.8.8")).isTrue();
    assertThat(r).isEqualTo(IpRanges.of(List.of("10.0.0.0/8", "192.168.1.7", "172.16.5.9/12", "0.0.0.0/32")));
    assertThat(r.toString()).isEqualTo("10.0.0.0/8,192.168.1.7,172.16.5.9/12,0.0.0.0/32");
  }

  @Test
  void ipv6RangesAndForms() {
    IpRanges r = IpRanges.of(List.of("2001:db8::/32", "::1", "fe80::/10", "::ffff:1.2.3.0/120", "2001:0:0:1::/64"));
    assertThat(r.contains("2001:db8::1")).isTrue();
    assertThat(r.contains("2001:DB8:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
    assertThat(r.contains("2001:db9::1")).isFalse();
    assertThat(r.contains("::1")).isTrue();
    assertThat(r.contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(r.contains("[::1]")).isTrue();
    assertThat(r.contains("::2")).isFalse();
    assertThat(r.contains("fe80::1%eth0")).isTrue();
    assertThat(r.contains("febf::1")).isTrue();
    assertThat(r.contains("fec0::1")).isFalse();
    assertThat(r.contains("::ffff:1.2.3.77")).isTrue();
    assertThat(r.contains("::ffff:1.2.4.1")).isFalse();
    assertThat(r.contains("2001:0:0:1:ffff::")).isTrue();
    assertThat(r.contains("2001:0:0:2::")).isFalse();
    assertThat(r.contains("1.2.3.4")).isFalse();
    assertThat(r.contains("1::2::3")).isFalse();
    assertThat(r.contains("12345::")).isFalse();
    assertThat(r.contains("1:2:3:4:5:6:7:8:9")).isFalse();
    assertThat(r.contains("")).isFalse();
    assertThat(IpRanges.of(List.of("::/0")).contains("1:2:3:4:5:6:7:8")).isTrue();
    assertThat(IpRanges.of(List.of("::/0")).contains("1.2.3.4")).isFalse();
  }

  @Test
  void starAndInvalidEntries() {
    assertThat(IpRanges.of(List.of("*")).contains("anything")).isTrue();
    for (String bad : List.of("1.2.3.4/33", "::/129", "1.2.3", "1.2.3.4/", "1.2.3.4/-1", "host.example", "1.2.3.256", "")) {
      assertThat(IpRanges.validEntry(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> IpRanges.of(List.of(bad))).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(IpRanges.of(List.of()).contains("1.2.3.4")).isFalse();
  }

  @Test
  void corsOrigins() {
    CorsOrigins o = CorsOrigins.of(List.of("http://bar.com", "https://*.example.com:8443"));
    assertThat(o.allows("http://bar.com")).isTrue();
    assertThat(o.allows("http://bar.com:80")).isFalse();
    assertThat(o.allows("https://a.example.com:8443")).isTrue();
    assertThat(o.allows("http://a.example.com:8443")).as("Higress drops the scheme of a wildcard origin").isTrue();
    assertThat(o.allows("https://a.example.com")).isFalse();
    assertThat(o.allows("https://aexample.com:8443")).isFalse();
    assertThat(CorsOrigins.of(List.of("*")).allows("https://x")).isTrue();
    assertThatThrownBy(() -> CorsOrigins.of(List.of("https://a.*.com"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CorsOrigins.of(List.of("https://*"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tokenBucketStartsFullAndRefillsContinuously() {
    TokenBucket b = new TokenBucket(10, 30, 1_000_000_000L); // 10 per second, burst 30
    long t = 1_000_000_000_000L;
    int ok = 0;
    for (int i = 0; i < 100; i++) if (b.tryAcquire(t)) ok++;
    assertThat(ok).isEqualTo(30);
    assertThat(b.tryAcquire(t + 99_000_000L)).as("0.99 tokens after 99 ms").isFalse();
    assertThat(b.tryAcquire(t + 100_000_000L)).isTrue();
    assertThat(b.tryAcquire(t + 100_000_000L)).isFalse();
    assertThat(b.available(t + 10_000_000_000L)).as("capped at the burst").isEqualTo(30);
    TokenBucket perMinute = new TokenBucket(10, 10, 60_000_000_000L);
    for (int i = 0; i < 10; i++) assertThat(perMinute.tryAcquire(t)).isTrue();
    assertThat(perMinute.tryAcquire(t + 5_900_000_000L)).isFalse();
    assertThat(perMinute.tryAcquire(t + 6_000_000_000L)).isTrue();
  }

  @Test
  void tokenBucketIsExactUnderContention() throws Exception {
    TokenBucket b = new TokenBucket(1, 1000, 3_600_000_000_000L); // no refill to speak of
    long t = System.nanoTime();
    AtomicInteger ok = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int k = 0; k < 500; k++) if (b.tryAcquire(t)) ok.incrementAndGet();
      }));
    }
    start.countDown();
    for (Thread th : threads) th.join();
    assertThat(ok.get()).isEqualTo(1000);
  }

  @Test
  void rateLimitEqualityIgnoresTheTokensLeft() {
    RoutePolicy.RateLimit a = RoutePolicy.RateLimit.of(5, 2, false);
    RoutePolicy.RateLimit b = a.fresh();
    a.bucket().tryAcquire(System.nanoTime());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.bucket()).isNotSameAs(b.bucket());
    assertThat(a.toString()).isEqualTo("RateLimit[5 per second, burst 10]");
  }

  @Test
  void clientLimitsPerAddressWithNginxBurst() {
    ClientLimits c = new ClientLimits(1, 0, 2, 0, IpRanges.of(List.of("10.0.0.0/8")));
    long t = 5_000_000_000L;
    int ok = 0;
    for (int i = 0; i < 10; i++) if (c.tryAcquire("1.1.1.1", t)) ok++;
    assertThat(ok).as("burst 2 + 1").isEqualTo(3);
    assertThat(c.tryAcquire("2.2.2.2", t)).as("another client").isTrue();
    assertThat(c.tryAcquire("1.1.1.1", t + 1_000_000_000L)).isTrue();
    assertThat(c.exempts("10.9.9.9")).isTrue();
    ClientLimits both = new ClientLimits(100, 1, 1, 0, null);
    assertThat(both.tryAcquire("a", t)).isTrue();
    assertThat(both.tryAcquire("a", t)).isTrue();
    assertThat(both.tryAcquire("a", t)).as("the per-minute bucket (1 + burst 1) is empty").isFalse();
  }

  @Test
  void clientLimitsCountRequestsInProgress() {
    ClientLimits c = new ClientLimits(0, 0, 1, 2, null);
    assertThat(c.enter("a")).isTrue();
    assertThat(c.enter("a")).isTrue();
    assertThat(c.enter("a")).isFalse();
    assertThat(c.enter("b")).isTrue();
    c.leave("a");
    assertThat(c.enter("a")).isTrue();
    assertThat(c.tryAcquire("a", 0)).as("no rate").isTrue();
  }
}
