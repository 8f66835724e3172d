import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
/**
 * CPU of each Java thread (jdk.ThreadCPULoad) against the JVM's (jdk.CPULoad), in cores of this
 * machine, over 15-90 % of the detector thread's busy span, and the collector's pauses: what is
 * left of the JVM's CPU after its Java threads is the collector, the JIT's own threads and the
 * VM. Usage: {@code java bench/jfr/JfrThreadCpu.java rec.jfr}.
 */
public class JfrThreadCpu {
    public static void main(String[] a) throws Exception {
        List<RecordedEvent> all = RecordingFile.readAllEvents(Path.of(a[0]));
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (RecordedEvent e : all) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            RecordedThread t = e.getThread("sampledThread");
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains("detect")) continue;
            long ts = e.getStartTime().toEpochMilli(); lo = Math.min(lo, ts); hi = Math.max(hi, ts);
        }
        long w0 = lo + (long) ((hi - lo) * 0.15), w1 = lo + (long) ((hi - lo) * 0.9);
        Map<String, double[]> th = new TreeMap<>();
        double jvm = 0, mach = 0; int n = 0;
        double gcPause = 0;
        for (RecordedEvent e : all) {
            long ts = e.getStartTime().toEpochMilli();
            if (ts < w0 || ts > w1) continue;
            String type = e.getEventType().getName();
            if (type.equals("jdk.ThreadCPULoad")) {
                String tn = e.getThread("eventThread").getJavaName();
                tn = tn == null ? "?" : tn.replaceAll("\\(\\d+/\\d+\\)#\\d+", "").replaceAll("-\\d+$", "-N");
                if (tn.length() > 60) tn = tn.substring(0, 60);
                double[] v = th.computeIfAbsent(tn, k -> new double[2]);
                v[0] += e.getFloat("user") + e.getFloat("system"); v[1]++;
            } else if (type.equals("jdk.CPULoad")) {
                jvm += e.getFloat("jvmUser") + e.getFloat("jvmSystem"); mach += e.getFloat("machineTotal"); n++;
            } else if (type.equals("jdk.GarbageCollection")) {
                gcPause += e.getDuration("sumOfPauses").toNanos() / 1e6;
            }
        }
        double win = (w1 - w0) / 1000.0;
        // The loads are fractions of the whole machine: times its cores (those of the recording's).
        int cores = Integer.getInteger("cpus", Runtime.getRuntime().availableProcessors());
        System.out.printf("window %.1f s; jvm cpu avg %.2f cores; machine %.2f cores; gc pauses %.1f s (%.0f%% of window)%n", win, cores * jvm / n, cores * mach / n, gcPause / 1000, 100 * gcPause / 1000 / win);
        double sum = 0;
        List<Map.Entry<String, double[]>> l = new ArrayList<>(th.entrySet());
        l.sort((x, y) -> Double.compare(y.getValue()[0] / y.getValue()[1], x.getValue()[0] / x.getValue()[1]));
        for (var en : l) {
            double c = cores * en.getValue()[0] / en.getValue()[1];
            sum += c;
            if (c > 0.005) System.out.printf("%6.3f cores  %s%n", c, en.getKey());
        }
        System.out.printf("sum of java threads %.2f cores; rest (GC, JIT, VM) %.2f cores%n", sum, cores * jvm / n - sum);
    }
}
