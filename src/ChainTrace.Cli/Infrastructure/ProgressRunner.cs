using System.Globalization;
using Spectre.Console;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>What a progress display shows for one report: a fraction done (null when unknown) and a detail line.</summary>
internal readonly record struct ProgressView(double? Fraction, string Detail);

/// <summary>
/// Runs a long operation with a live Spectre progress bar on an interactive terminal, or plain progress lines
/// (one every couple of seconds) when output is redirected. The display is driven from a dedicated thread, so
/// it keeps moving even when the work keeps every thread-pool thread busy.
/// </summary>
internal static class ProgressRunner
{
    public static async Task<TResult> RunAsync<TProgress, TResult>(IAnsiConsole console, string label,
        Func<IProgress<TProgress>, Task<TResult>> work, Func<TProgress, ProgressView> view, TimeSpan? plainInterval = null)
    {
        var latest = new Latest<TProgress>();
        if (console.Profile.Capabilities.Interactive)
        {
            return await console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(label), maxValue: 1000);
                    void Show(TProgress p)
                    {
                        var v = view(p);
                        if (v.Fraction is { } f) { task.IsIndeterminate = false; task.Value = Math.Clamp(f, 0, 1) * 1000; }
                        else task.IsIndeterminate = true;
                        task.Description = Markup.Escape($"{label} {v.Detail}");
                    }
                    var run = Task.Run(() => work(latest));
                    await PollAsync(run, TimeSpan.FromMilliseconds(150), () =>
                    {
                        if (latest.TryTake(out var p)) Show(p);
                    }).ConfigureAwait(false);
                    var result = await run.ConfigureAwait(false);
                    if (latest.TryTake(out var last)) Show(last);
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    return result;
                }).ConfigureAwait(false);
        }

        var writer = console.Profile.Out.Writer;
        var started = DateTime.UtcNow;
        var runPlain = Task.Run(() => work(latest));
        await PollAsync(runPlain, plainInterval ?? PlainInterval(), () =>
        {
            if (runPlain.IsCompleted || !latest.TryTake(out var p)) return;
            var v = view(p);
            var pct = v.Fraction is { } f ? (Math.Clamp(f, 0, 1) * 100).ToString("0.0", CultureInfo.InvariantCulture) + "% " : "";
            writer.WriteLine($"{label}: {pct}{v.Detail} [{Format.Duration(DateTime.UtcNow - started)}]");
            writer.Flush();
        }).ConfigureAwait(false);
        return await runPlain.ConfigureAwait(false);
    }

    /// <summary>Calls <paramref name="tick"/> every <paramref name="interval"/> on its own thread until <paramref name="run"/> ends.</summary>
    private static Task PollAsync(Task run, TimeSpan interval, Action tick)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(interval)) tick();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "chaintrace-progress" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Every 2 s, or CHAINTRACE_PROGRESS_MS milliseconds (tests use it to see progress early).</summary>
    private static TimeSpan PlainInterval() =>
        int.TryParse(Environment.GetEnvironmentVariable("CHAINTRACE_PROGRESS_MS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromSeconds(2);

    /// <summary>Keeps only the most recent report; the display polls it.</summary>
    private sealed class Latest<T> : IProgress<T>
    {
        private readonly Lock _lock = new();
        private T? _value;
        private bool _fresh;

        public void Report(T value)
        {
            lock (_lock) { _value = value; _fresh = true; }
        }

        public bool TryTake(out T value)
        {
            lock (_lock)
            {
                value = _value!;
                bool fresh = _fresh;
                _fresh = false;
                return fresh;
            }
        }
    }
}
