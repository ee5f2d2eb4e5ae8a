using ChainTrace.Primitives;
using ChainTrace.Storage.Rocks;
using ChainTrace.Storage.Writing;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Storage;

public sealed class WriterBooksTests
{
    /// <summary>The open-addressing map agrees with a Dictionary on any sequence of sets and gets.</summary>
    [Property(MaxTest = 200)]
    public bool AddressMap_AgreesWithDictionary(byte[][] keys, uint[] ids, bool fewDistinct)
    {
        var map = new AddressMap(4);
        var reference = new Dictionary<Address, uint>();
        Span<byte> b = stackalloc byte[20];
        for (int i = 0; i < keys.Length; i++)
        {
            b.Clear();
            var k = keys[i] ?? [];
            var slot = b[(fewDistinct ? 18 : 0)..];
            k.AsSpan(0, Math.Min(k.Length, slot.Length)).CopyTo(slot);
            var a = new Address(b);
            uint id = ids.Length == 0 ? 1 : Math.Max(1, ids[i % ids.Length]);
            if (i % 3 == 0)
            {
                if (map.Get(a) != reference.GetValueOrDefault(a)) return false;
            }
            else
            {
                map.Set(a, id);
                reference[a] = id;
            }
        }
        return map.Count == reference.Count && reference.All(kv => map.Get(kv.Key) == kv.Value);
    }

    [Fact]
    public void AddressMap_SeparatesAddressesThatShareTheirFirstBytes()
    {
        var map = new AddressMap(2);
        for (int i = 1; i <= 5000; i++) map.Set(HistoryGenerator.AddressOf(i), (uint)i);
        for (int i = 1; i <= 5000; i++) Assert.Equal((uint)i, map.Get(HistoryGenerator.AddressOf(i)));
        Assert.Equal(0u, map.Get(HistoryGenerator.AddressOf(5001)));
        map.Clear();
        Assert.Equal(0, map.Count);
        Assert.Equal(0u, map.Get(HistoryGenerator.AddressOf(1)));
    }

    [Fact]
    public void FastNativePath_IsActiveOnLinux()
    {
        Assert.True(!OperatingSystem.IsLinux() || RocksApi.Direct);
    }
}
