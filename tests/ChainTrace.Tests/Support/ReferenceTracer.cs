using System.Numerics;
using ChainTrace.Primitives;

namespace ChainTrace.Tests.Support;

/// <summary>The taint models the reference tracer knows.</summary>
public enum TaintModel
{
    /// <summary>Any outflow of an address holding any taint is fully tainted; held = whole balance.</summary>
    Poison,
    /// <summary>An outflow carries amount × tainted balance / total balance just before it.</summary>
    Haircut,
    /// <summary>Outflows consume inflow lots oldest first.</summary>
    Fifo,
    /// <summary>Outflows consume inflow lots newest first.</summary>
    Lifo,
}

/// <summary>A token movement as the reference tracer sees it (mints: From = zero address).</summary>
/// <param name="Seq">Position in the chain's total order.</param>
/// <param name="From">Sender.</param>
/// <param name="To">Receiver.</param>
/// <param name="Amount">Base units.</param>
public readonly record struct RefTransfer(Seq Seq, Address From, Address To, BigInteger Amount);

/// <summary>An exact non-negative rational number (taint shares are not always whole base units).</summary>
public readonly struct Fraction : IEquatable<Fraction>
{
    /// <summary>Creates n/d, normalised.</summary>
    public Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException();
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsZero && !g.IsOne) { numerator /= g; denominator /= g; }
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>Numerator.</summary>
    public BigInteger Numerator { get; }

    /// <summary>Denominator (0 only for default(Fraction), read as 0/1).</summary>
    public BigInteger Denominator { get; }

    private BigInteger Den => Denominator.IsZero ? BigInteger.One : Denominator;

    /// <summary>Zero.</summary>
    public static Fraction Zero { get; } = new(0, 1);

    /// <summary>True when zero.</summary>
    public bool IsZero => Numerator.IsZero;

    /// <summary>True when positive.</summary>
    public bool IsPositive => Numerator.Sign > 0;

    /// <summary>From an integer.</summary>
    public static implicit operator Fraction(BigInteger value) => new(value, 1);

    /// <summary>Sum.</summary>
    public static Fraction operator +(Fraction a, Fraction b) => new(a.Numerator * b.Den + b.Numerator * a.Den, a.Den * b.Den);

    /// <summary>Difference.</summary>
    public static Fraction operator -(Fraction a, Fraction b) => new(a.Numerator * b.Den - b.Numerator * a.Den, a.Den * b.Den);

    /// <summary>Product.</summary>
    public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Den * b.Den);

    /// <summary>Quotient.</summary>
    public static Fraction operator /(Fraction a, Fraction b) => new(a.Numerator * b.Den, a.Den * b.Numerator);

    /// <inheritdoc/>
    public bool Equals(Fraction other) => Numerator == other.Numerator && Den == other.Den;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Fraction f && Equals(f);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Numerator, Den);

    /// <summary>Equality.</summary>
    public static bool operator ==(Fraction a, Fraction b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Fraction a, Fraction b) => !a.Equals(b);

    /// <summary>"n" or "n/d".</summary>
    public override string ToString() => Den.IsOne ? Numerator.ToString() : $"{Numerator}/{Den}";
}

/// <summary>Where the taint ended.</summary>
/// <param name="Terminals">Taint received per terminal address.</param>
/// <param name="Held">Taint still held per non-terminal address at the end (only positive entries).</param>
/// <param name="Hops">Hop at which taint first reached each address (seeds 0).</param>
public sealed record ReferenceTraceResult(
    IReadOnlyDictionary<Address, Fraction> Terminals,
    IReadOnlyDictionary<Address, Fraction> Held,
    IReadOnlyDictionary<Address, int> Hops);

/// <summary>
/// A deliberately plain forward taint tracer, written to be obviously correct rather than fast: it replays the
/// whole history in seq order with exact rational arithmetic, keeping for every address its balance and (for
/// FIFO/LIFO) its inflow lots from the start of the data. It is the oracle the tests compare the generator's
/// ground truth and the real tracing engine against. Definitions (docs/SYNTH.md):
/// <list type="bullet">
/// <item>Seeds are hop 0; every inflow of a seed inside the window is fully tainted (the traced amount).</item>
/// <item>Only transfers with <c>from ≤ seq ≤ to</c> move taint; transfers before the window still build balances and lots.</item>
/// <item>An address reached at hop h passes taint on only while h &lt; maxHops; its receiver is at hop h + 1.
/// Taint that an address at the hop limit pays out leaves the trace (it is neither terminal nor held).</item>
/// <item>Terminals absorb what they receive and pass nothing on.</item>
/// <item>Poison: every outflow of a poisoned address is fully tainted; held = the poisoned address's balance.</item>
/// <item>Haircut: an outflow carries amount × tainted / balance, both just before it.</item>
/// <item>FIFO / LIFO: an outflow consumes lots oldest / newest first; a partly used lot keeps its taint share.</item>
/// </list>
/// </summary>
public static class ReferenceTracer
{
    private sealed class Lot
    {
        public BigInteger Amount;
        public Fraction Taint;
    }

    /// <summary>Traces the seeds forward through <paramref name="history"/> (sorted by seq) under one model.</summary>
    public static ReferenceTraceResult Trace(
        IReadOnlyList<RefTransfer> history,
        IEnumerable<Address> seeds,
        Func<Address, bool> isTerminal,
        int maxHops,
        Seq from,
        Seq to,
        TaintModel model)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(isTerminal);
        var seedSet = new HashSet<Address>(seeds);
        var balance = new Dictionary<Address, BigInteger>();
        var lots = new Dictionary<Address, LinkedList<Lot>>();
        var tainted = new Dictionary<Address, Fraction>();   // haircut: tainted balance
        var poisoned = new HashSet<Address>(); // a seed is poisoned by its first inflow inside the window
        var hops = seedSet.ToDictionary(s => s, _ => 0);
        var terminals = new Dictionary<Address, Fraction>();
        bool lotModel = model is TaintModel.Fifo or TaintModel.Lifo;

        Seq previous = Seq.MinValue;
        foreach (var t in history)
        {
            if (t.Seq < previous) throw new ArgumentException("History must be sorted by seq.", nameof(history));
            previous = t.Seq;
            if (t.Seq > to) break;
            bool inWindow = t.Seq >= from;
            bool senderPasses = inWindow && hops.TryGetValue(t.From, out int senderHop) && senderHop < maxHops && !isTerminal(t.From);

            // 1. What the outflow carries, and the sender's state after it.
            BigInteger senderBalance = balance.GetValueOrDefault(t.From);
            Fraction carried = Fraction.Zero;
            switch (model)
            {
                case TaintModel.Poison:
                    if (senderPasses && poisoned.Contains(t.From)) carried = t.Amount;
                    break;
                case TaintModel.Haircut:
                    if (tainted.TryGetValue(t.From, out var tb) && tb.IsPositive)
                    {
                        if (senderBalance.Sign <= 0) throw new InvalidOperationException($"{t.From} holds taint but no balance at {t.Seq}.");
                        var share = (Fraction)t.Amount * tb / senderBalance;
                        tainted[t.From] = tb - share;
                        if (senderPasses) carried = share;
                    }
                    break;
                default:
                    if (!t.From.IsZero)
                    {
                        var share = Consume(lots, t.From, t.Amount, model == TaintModel.Fifo, t.Seq);
                        if (senderPasses) carried = share;
                    }
                    break;
            }
            balance[t.From] = senderBalance - t.Amount;
            balance[t.To] = balance.GetValueOrDefault(t.To) + t.Amount;

            // 2. What the receiver gets.
            Fraction incoming = inWindow && seedSet.Contains(t.To) ? t.Amount : carried;
            bool reached = incoming.IsPositive;
            if (reached && !seedSet.Contains(t.To))
            {
                int hop = hops[t.From] + 1;
                if (!hops.TryGetValue(t.To, out int known) || hop < known) hops[t.To] = hop;
            }
            // Terminals absorb: they are counted here and hold no taint afterwards (they never pass it on), but
            // their balances and lots are still kept so that their own later outflows replay correctly.
            if (reached && isTerminal(t.To))
            {
                terminals[t.To] = terminals.GetValueOrDefault(t.To, Fraction.Zero) + incoming;
                reached = false;
            }
            switch (model)
            {
                case TaintModel.Poison:
                    if (reached) poisoned.Add(t.To);
                    break;
                case TaintModel.Haircut:
                    if (reached) tainted[t.To] = tainted.GetValueOrDefault(t.To, Fraction.Zero) + incoming;
                    break;
                default:
                    if (!lots.TryGetValue(t.To, out var list)) lots[t.To] = list = new LinkedList<Lot>();
                    list.AddLast(new Lot { Amount = t.Amount, Taint = reached ? incoming : Fraction.Zero });
                    break;
            }
        }

        var held = new Dictionary<Address, Fraction>();
        switch (model)
        {
            case TaintModel.Poison:
                foreach (var a in poisoned)
                    if (!isTerminal(a) && balance.GetValueOrDefault(a).Sign > 0) held[a] = balance[a];
                break;
            case TaintModel.Haircut:
                foreach (var (a, tb) in tainted)
                    if (tb.IsPositive && !isTerminal(a)) held[a] = tb;
                break;
            default:
                foreach (var (a, list) in lots)
                {
                    if (isTerminal(a)) continue;
                    var sum = Fraction.Zero;
                    foreach (var lot in list) sum += lot.Taint;
                    if (sum.IsPositive) held[a] = sum;
                }
                break;
        }
        return new ReferenceTraceResult(terminals, held, hops);
    }

    private static Fraction Consume(Dictionary<Address, LinkedList<Lot>> lots, Address from, BigInteger amount, bool oldestFirst, Seq seq)
    {
        if (!lots.TryGetValue(from, out var list)) throw new InvalidOperationException($"{from} spends without inflows at {seq}.");
        var carried = Fraction.Zero;
        var left = amount;
        while (left.Sign > 0)
        {
            var node = oldestFirst ? list.First : list.Last;
            if (node is null) throw new InvalidOperationException($"{from} spends more than it received at {seq}.");
            var lot = node.Value;
            if (lot.Taint.IsZero)
            {
                // Clean lot: only the amounts change.
                var take = BigInteger.Min(lot.Amount, left);
                lot.Amount -= take;
                left -= take;
                if (lot.Amount.IsZero) list.Remove(node);
            }
            else if (lot.Amount <= left)
            {
                carried += lot.Taint;
                left -= lot.Amount;
                list.Remove(node);
            }
            else
            {
                var part = lot.Taint * new Fraction(left, lot.Amount);
                carried += part;
                lot.Taint -= part;
                lot.Amount -= left;
                left = 0;
            }
        }
        return carried;
    }
}
