package dev.prune.onednn;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The native objects of one compiled network (engine, stream, memory, primitives), created through oneDNN's
 * C API and released together, newest first, by {@link #close()}.
 */
public final class OneDnnSession implements AutoCloseable {
    /** oneDNN's kernels read and write whole cache lines and vector registers: 64-byte aligned buffers. */
    static final int ALIGNMENT = 64;

    /** One primitive with its arguments, ready to execute. */
    public record Step(dnnl_primitive primitive, dnnl_exec_arg_t args, int count) {
    }

    /** An element-wise function appended to a conv or inner product (post-op), or run on its own. */
    public record Eltwise(int algorithm, float alpha, float beta) {
    }

    /** One thread for every session that {@link #closeWhenUnreachable} hands to it. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Deque<Runnable> releases = new ArrayDeque<>();
    private final dnnl_engine engine = new dnnl_engine();
    private final dnnl_stream stream = new dnnl_stream();

    public OneDnnSession() {
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine creation");
        releases.push(() -> dnnl_engine_destroy(engine));
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream creation");
        releases.push(() -> dnnl_stream_destroy(stream));
    }

    public static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    public dnnl_memory_desc_t desc(long[] dims, int formatTag) {
        var md = track(new dnnl_memory_desc_t());
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, formatTag), "memory descriptor");
        return md;
    }

    /** Memory with a buffer of its own. */
    public dnnl_memory allocate(dnnl_memory_desc_t md) {
        return external(md, alignedBuffer(dnnl_memory_desc_get_size(md)));
    }

    /** Memory in a plain layout holding a copy of {@code values}. */
    public dnnl_memory filled(long[] dims, int formatTag, float[] values) {
        var md = desc(dims, formatTag);
        Pointer buffer = alignedBuffer(dnnl_memory_desc_get_size(md));
        new FloatPointer(buffer).capacity(values.length).put(values);
        return external(md, buffer);
    }

    /** Memory over a buffer owned elsewhere; {@code null}: none yet, set before each run. */
    public dnnl_memory external(dnnl_memory_desc_t md, Pointer handle) {
        var memory = new dnnl_memory();
        check(dnnl_memory_create(memory, md, engine, handle), "memory creation");
        releases.push(() -> dnnl_memory_destroy(memory));
        return memory;
    }

    /** {@code src} as {@code dstMd} lays it out, reordered now (weights: once, when compiling). */
    public dnnl_memory reorderedNow(dnnl_memory src, dnnl_memory_desc_t srcMd, dnnl_memory_desc_t dstMd) {
        if (dnnl_memory_desc_equal(srcMd, dstMd) != 0) {
            return src;
        }
        dnnl_memory dst = allocate(dstMd);
        run(reorder(src, srcMd, dst, dstMd));
        check(dnnl_stream_wait(stream), "reorder");
        return dst;
    }

    /**
     * {@code src} as {@code wanted} lays it out: itself when the layouts are equal, else new memory and a reorder
     * step appended to {@code steps} (run on every run, for inputs and feature maps).
     */
    public dnnl_memory inLayout(dnnl_memory src, dnnl_memory_desc_t srcMd, dnnl_memory_desc_t wanted, List<Step> steps) {
        if (dnnl_memory_desc_equal(srcMd, wanted) != 0) {
            return src;
        }
        dnnl_memory reordered = allocate(wanted);
        steps.add(reorder(src, srcMd, reordered, wanted));
        return reordered;
    }

    /** A step that copies {@code src} into {@code dst}'s layout. */
    public Step reorder(dnnl_memory src, dnnl_memory_desc_t srcMd, dnnl_memory dst, dnnl_memory_desc_t dstMd) {
        var pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, srcMd, engine, dstMd, engine, null), "reorder descriptor");
        releases.push(() -> dnnl_primitive_desc_destroy(pd));
        return step(pd, new int[]{DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory[]{src, dst});
    }

    /** The implementation oneDNN picks for an operation descriptor, with post-ops fused into it. */
    public dnnl_primitive_desc primitiveDesc(Pointer opDesc, List<Eltwise> postOps, String what) {
        return primitiveDesc(opDesc, postOps, null, what);
    }

    /** A backward operation's implementation, matched to the forward one it differentiates ({@code forward}). */
    public dnnl_primitive_desc backwardDesc(Pointer opDesc, dnnl_primitive_desc forward, String what) {
        return primitiveDesc(opDesc, List.of(), forward, what);
    }

    private dnnl_primitive_desc primitiveDesc(Pointer opDesc, List<Eltwise> postOps, dnnl_primitive_desc forward,
                                              String what) {
        dnnl_primitive_attr attr = null;
        if (!postOps.isEmpty()) {
            var ops = new dnnl_post_ops();
            check(dnnl_post_ops_create(ops), "post-ops");
            releases.push(() -> dnnl_post_ops_destroy(ops));
            for (Eltwise op : postOps) {
                check(dnnl_post_ops_append_eltwise(ops, 1f, op.algorithm(), op.alpha(), op.beta()), "post-op " + what);
            }
            var created = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(created), "attributes");
            releases.push(() -> dnnl_primitive_attr_destroy(created));
            check(dnnl_primitive_attr_set_post_ops(created, ops), "post-ops of " + what);
            attr = created;
        }
        var pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine, forward), what);
        releases.push(() -> dnnl_primitive_desc_destroy(pd));
        return pd;
    }

    public Step step(dnnl_primitive_desc pd, int[] argKeys, dnnl_memory[] memories) {
        var primitive = new dnnl_primitive();
        check(dnnl_primitive_create(primitive, pd), "primitive creation");
        releases.push(() -> dnnl_primitive_destroy(primitive));
        var args = track(new dnnl_exec_arg_t(argKeys.length));
        for (int i = 0; i < argKeys.length; i++) {
            args.position(i).arg(argKeys[i]).memory(memories[i]);
        }
        return new Step(primitive, args.position(0), argKeys.length);
    }

    /** Points {@code memory} at {@code array}'s buffer (a plain float c-order array) for the next run. */
    public static void setHandle(dnnl_memory memory, INDArray array, String what) {
        check(dnnl_memory_set_data_handle(memory, array.data().addressPointer()), what);
    }

    public void run(Step step) {
        check(dnnl_primitive_execute(step.primitive(), stream, step.count(), step.args()), "execution");
    }

    /** Queues the steps in order; the stream runs them one after another, so one {@link #await} serves them all. */
    public void run(List<Step> steps) {
        for (Step step : steps) {
            run(step);
        }
    }

    public void await() {
        check(dnnl_stream_wait(stream), "stream wait");
    }

    private Pointer alignedBuffer(long bytes) {
        return aligned(track(new BytePointer(bytes + ALIGNMENT)));
    }

    /** A pointer into {@code raw} (allocated {@link #ALIGNMENT} bytes larger than needed) at an aligned address. */
    public static Pointer aligned(BytePointer raw) {
        long aligned = (raw.address() + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        return new Pointer() {
            {
                address = aligned; // position 0, so every pointer type made from it starts here
            }
        };
    }

    public <P extends Pointer> P track(P pointer) {
        releases.push(pointer::close);
        return pointer;
    }

    /**
     * Closes this session once {@code owner} is unreachable, unless the returned handle closes it first: for owners
     * held by DL4J layers and helpers, which DL4J never closes.
     */
    public Cleaner.Cleanable closeWhenUnreachable(Object owner) {
        return CLEANER.register(owner, this::close);
    }

    @Override
    public void close() {
        while (!releases.isEmpty()) {
            releases.pop().run();
        }
    }
}
