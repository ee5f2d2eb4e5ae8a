using ChainTrace.Primitives;
using static ChainTrace.Tests.Clustering.ChainScript;

namespace ChainTrace.Tests.Clustering;

/// <summary>
/// A random chain history rich in the shapes the heuristics look for (deposit addresses sweeping to hot
/// wallets, gas fundings, approvals and transferFroms) mixed with noise, replayable in parts.
/// </summary>
internal sealed class RandomHistory
{
    private readonly List<Action<ChainScript>> _ops = [];

    public RandomHistory(int seed, int steps = 60, int pool = 24, bool twoServices = false)
    {
        var r = new Random(seed);
        Address Pick() => A(10 + r.Next(pool));
        Address MaybeService() => r.Next(5) == 0 ? A(1 + r.Next(twoServices ? 2 : 1)) : Pick();
        ulong Amount() => (ulong)(1 + r.Next(5)) * Usdt;
        Services = twoServices ? 2 : 1;
        for (int i = 0; i < steps; i++)
        {
            switch (r.Next(8))
            {
                case 0:
                case 1:
                    {
                        // A deposit pattern: a few senders pay D, D sweeps the sum to a hot wallet (labelled 1, or unlabelled 2..4).
                        Address d = Pick(), hot = A(1 + r.Next(twoServices ? 4 : 3));
                        int senders = 1 + r.Next(3);
                        ulong sum = 0;
                        for (int k = 0; k < senders; k++)
                        {
                            Address from = Pick();
                            ulong a = Amount();
                            sum += a;
                            _ops.Add(s => s.Transfer(from, d, a));
                        }
                        ulong wait = (ulong)r.Next(3) * 40;
                        bool half = r.Next(6) == 0;
                        ulong swept = half ? sum / 2 : sum;
                        _ops.Add(s => s.Wait(wait).Transfer(d, hot, swept));
                        break;
                    }
                case 2:
                    {
                        Address f = Pick(), x = MaybeService();
                        _ops.Add(s => s.Native(f, x));
                        if (twoServices && r.Next(4) == 0)
                        {
                            // The same funder also pays the other service's first coin: a link the guard must refuse.
                            Address y = x == A(1) ? A(2) : A(1);
                            _ops.Add(s => s.Native(f, y));
                            Address to = Pick();
                            _ops.Add(s => s.Transfer(y, to, 1 * Usdt));
                        }
                        if (x == A(1) || x == A(2))
                        {
                            // A labelled wallet's first coin came from an unlabelled funder, then it paid out.
                            Address to = Pick();
                            _ops.Add(s => s.Transfer(x, to, 1 * Usdt));
                        }
                        break;
                    }
                case 3:
                    {
                        Address o = MaybeService(), sp = Pick();
                        ulong a = r.Next(5) == 0 ? 0 : 1000 * Usdt;
                        _ops.Add(s => s.Approve(o, sp, a));
                        break;
                    }
                case 4:
                    {
                        Address o = MaybeService(), sp = Pick(), to = Pick();
                        ulong a = Amount();
                        _ops.Add(s => s.TransferFrom(sp, o, to, a));
                        break;
                    }
                case 5:
                    {
                        ulong w = (ulong)r.Next(30);
                        _ops.Add(s => s.Wait(w));
                        break;
                    }
                default:
                    {
                        Address from = Pick(), to = Pick();
                        ulong a = Amount();
                        _ops.Add(s => s.Transfer(from, to, a));
                        break;
                    }
            }
        }
    }

    /// <summary>Number of service labels (1: only A(1) "Alpha"; 2: also A(2) "Beta").</summary>
    public int Services { get; }

    public int Count => _ops.Count;

    /// <summary>A fresh script with the labels applied.</summary>
    public ChainScript NewScript()
    {
        var s = new ChainScript().Label(A(1), "exchange", "Alpha");
        if (Services == 2) s.Label(A(2), "exchange", "Beta");
        return s;
    }

    /// <summary>Applies operations [from, to).</summary>
    public void Apply(ChainScript script, int from, int to)
    {
        for (int i = from; i < to; i++) _ops[i](script);
        script.Wait(1);
    }
}
