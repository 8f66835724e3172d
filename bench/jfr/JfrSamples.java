import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;

/**
 * Execution samples of a JFR recording by thread, self frame and inclusive frame, and allocation
 * samples by site (docs/benchmarks.md, "Job CPU outside Esper, third pass"). Usage:
 *
 * <pre>
 * java [-Dfrom=0.15 -Dto=0.9] bench/jfr/JfrSamples.java rec.jfr THREAD|- [TOP]
 * </pre>
 *
 * from/to: the part of the detector thread's busy span to count (the steady state of a
 * ./soc bench run); THREAD: a substring of the thread names to keep, - for all.
 */
public class JfrSamples {
    static String fr(RecordedFrame f) {
        var m = f.getMethod();
        String c = m.getType().getName();
        int i = c.lastIndexOf('.');
        return c.substring(i + 1) + "." + m.getName();
    }
    public static void main(String[] a) throws Exception {
        String threadFilter = a.length > 1 ? a[1] : null;
        int top = a.length > 2 ? Integer.parseInt(a[2]) : 40;
        Map<String, Integer> threads = new HashMap<>(), self = new HashMap<>(), incl = new HashMap<>();
        Map<String, Integer> alloc = new HashMap<>();
        int total = 0;
        long allocTotal = 0;
        List<RecordedEvent> all = RecordingFile.readAllEvents(Path.of(a[0]));
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (RecordedEvent e : all) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            RecordedThread t = e.getThread("sampledThread");
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains("detect")) continue;
            long ts = e.getStartTime().toEpochMilli(); lo = Math.min(lo, ts); hi = Math.max(hi, ts);
        }
        double f0 = Double.parseDouble(System.getProperty("from", "0")), f1 = Double.parseDouble(System.getProperty("to", "1"));
        long w0 = lo + (long) ((hi - lo) * f0), w1 = lo + (long) ((hi - lo) * f1);
        System.out.println("window ms " + (w1 - w0));
        for (RecordedEvent e : all) {
            long ts0 = e.getStartTime().toEpochMilli();
            if (ts0 < w0 || ts0 > w1) continue;
            String type = e.getEventType().getName();
            boolean exec = type.equals("jdk.ExecutionSample");
            boolean al = type.equals("jdk.ObjectAllocationSample");
            if (!exec && !al) continue;
            RecordedThread t = e.getThread(exec ? "sampledThread" : "eventThread");
            String tn = t == null ? "?" : t.getJavaName();
            if (tn == null) tn = "?";
            tn = tn.replaceAll("\\(\\d+/\\d+\\)#\\d+", "").replaceAll("-\\d+$", "-N");
            if (threadFilter != null && !threadFilter.equals("-") && !tn.contains(threadFilter)) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null) continue;
            List<RecordedFrame> fs = st.getFrames();
            if (fs.isEmpty()) continue;
            if (al) {
                long w = e.getLong("weight");
                allocTotal += w;
                // attribute to first frame in org.socengine or top 3
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < Math.min(4, fs.size()); i++) sb.append(i == 0 ? "" : " < ").append(fr(fs.get(i)));
                sb.append(" [").append(e.getClass("objectClass").getName()).append("]");
                alloc.merge(sb.toString(), (int) (w / 1024), Integer::sum);
                continue;
            }
            total++;
            threads.merge(tn, 1, Integer::sum);
            self.merge(fr(fs.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : fs) { String n = fr(f); if (seen.add(n)) incl.merge(n, 1, Integer::sum); }
        }
        System.out.println("total samples " + total);
        print("threads", threads, total, top);
        print("self", self, total, top);
        print("inclusive", incl, total, top * 2);
        System.out.println("alloc total MB " + allocTotal / 1048576);
        print("alloc KB", alloc, (int) (allocTotal / 1024), top);
    }
    static void print(String title, Map<String, Integer> m, int total, int top) {
        System.out.println("== " + title);
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
            .forEach(e -> System.out.printf("%7d %5.1f%%  %s%n", e.getValue(), 100.0 * e.getValue() / Math.max(1,total), e.getKey()));
    }
}
