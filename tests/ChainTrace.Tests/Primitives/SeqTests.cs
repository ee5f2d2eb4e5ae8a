using ChainTrace.Primitives;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Primitives;

public sealed class SeqTests
{
    [Property]
    public bool Parts_RoundTrip(uint block, ushort tx, ushort sub)
    {
        var s = Seq.From(block, tx, sub);
        Span<byte> key = stackalloc byte[8];
        s.WriteTo(key);
        return s.Block == block && s.TxIndex == tx && s.Sub == sub && Seq.Read(key) == s;
    }

    [Property]
    public bool KeyByteOrder_IsTimeOrder(uint b1, ushort t1, ushort s1, uint b2, ushort t2, ushort s2)
    {
        var x = Seq.From(b1, t1, s1);
        var y = Seq.From(b2, t2, s2);
        var kx = new byte[8];
        var ky = new byte[8];
        x.WriteTo(kx);
        y.WriteTo(ky);
        int expected = (b1, t1, s1).CompareTo((b2, t2, s2));
        return Math.Sign(kx.AsSpan().SequenceCompareTo(ky)) == Math.Sign(expected) && Math.Sign(x.CompareTo(y)) == Math.Sign(expected);
    }

    [Fact]
    public void NativeTransfer_ComesBeforeItsTransactionsLogs()
    {
        Assert.True(Seq.ForNative(10, 3) < Seq.ForLog(10, 3, 0));
        Assert.True(Seq.ForLog(10, 2, 900) < Seq.ForNative(10, 3));
    }

    [Fact]
    public void OutOfRangeParts_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Seq.From(1UL << 32, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Seq.From(1, 70_000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Seq.ForLog(1, 0, 65_535));
    }
}
