namespace ChainTrace.Synthetic;

/// <summary>Calldata, log topics and log data of synthetic transactions, as lower-case hex without "0x".</summary>
internal static class TxEncoding
{
    /// <summary>Largest input in hex digits (selector + 3 words).</summary>
    public const int MaxInputHex = 8 + 3 * 64;

    /// <summary>Writes an address as a 32-byte ABI word (24 zeros then 40 hex digits).</summary>
    public static void AddressWord(ChainCodec codec, int id, Span<byte> dst64)
    {
        dst64[..24].Fill((byte)'0');
        codec.WriteAddressHex(id, dst64[24..]);
    }

    /// <summary>Writes an amount word; −1 is the unlimited allowance 2^256 − 1.</summary>
    public static void AmountWord(long amount, Span<byte> dst64)
    {
        if (amount < 0) dst64[..64].Fill((byte)'f');
        else Utf8Sink.HexWord((ulong)amount, dst64);
    }

    /// <summary>Writes the transaction's calldata (no "0x"); returns the number of hex digits.</summary>
    public static int WriteInput(ChainCodec codec, in SynthTx tx, Span<byte> dst)
    {
        switch (tx.Kind)
        {
            case TxKind.Native:
                return 0;
            case TxKind.Transfer:
                ChainCodec.TransferSelector.CopyTo(dst);
                AddressWord(codec, tx.B, dst[8..]);
                AmountWord(tx.Amount, dst[72..]);
                return 136;
            case TxKind.TransferFrom:
                ChainCodec.TransferFromSelector.CopyTo(dst);
                AddressWord(codec, tx.A, dst[8..]);
                AddressWord(codec, tx.B, dst[72..]);
                AmountWord(tx.Amount, dst[136..]);
                return 200;
            case TxKind.Approve:
                ChainCodec.ApproveSelector.CopyTo(dst);
                AddressWord(codec, tx.B, dst[8..]);
                AmountWord(tx.Amount, dst[72..]);
                return 136;
            case TxKind.Issue:
            case TxKind.Mint:
                ChainCodec.IssueSelector.CopyTo(dst);
                AmountWord(tx.Amount, dst[8..]);
                return 72;
            case TxKind.Blacklist:
                ChainCodec.AddBlackListSelector.CopyTo(dst);
                AddressWord(codec, tx.A, dst[8..]);
                return 72;
            case TxKind.BridgeDeposit:
                ChainCodec.BridgeDepositSelector.CopyTo(dst);
                AddressWord(codec, ChainCodec.Contract, dst[8..]);
                AmountWord(tx.Amount, dst[72..]);
                return 136;
            case TxKind.BridgePayout:
                ChainCodec.BridgeReleaseSelector.CopyTo(dst);
                AddressWord(codec, tx.B, dst[8..]);
                AmountWord(tx.Amount, dst[72..]);
                return 136;
            default:
                throw new ArgumentOutOfRangeException(nameof(tx));
        }
    }

    /// <summary>Number of topics of the transaction's log.</summary>
    public static int TopicCount(in SynthTx tx) => tx.Kind is TxKind.Issue or TxKind.Blacklist ? 1 : 3;

    /// <summary>Writes topic <paramref name="index"/> (64 hex digits).</summary>
    public static void WriteTopic(ChainCodec codec, in SynthTx tx, int index, Span<byte> dst64)
    {
        if (index == 0)
        {
            var t = tx.Kind switch
            {
                TxKind.Approve => ChainCodec.ApprovalTopic,
                TxKind.Issue => ChainCodec.IssueTopic,
                TxKind.Blacklist => ChainCodec.AddedBlackListTopic,
                _ => ChainCodec.TransferTopic,
            };
            t.CopyTo(dst64);
        }
        else
        {
            AddressWord(codec, index == 1 ? tx.A : tx.B, dst64);
        }
    }

    /// <summary>Writes the log's 32-byte data word (64 hex digits).</summary>
    public static void WriteLogData(ChainCodec codec, in SynthTx tx, Span<byte> dst64)
    {
        if (tx.Kind == TxKind.Blacklist) AddressWord(codec, tx.A, dst64);
        else AmountWord(tx.Amount, dst64);
    }
}
