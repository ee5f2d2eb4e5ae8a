namespace ChainTrace.Synthetic;

/// <summary>What a synthetic transaction does; decides its input, its log and its gas.</summary>
internal enum TxKind : byte
{
    /// <summary>Plain native-coin transfer (gas funding), no log.</summary>
    Native,
    /// <summary>transfer(to, amount) sent by the token holder; log Transfer(A → B).</summary>
    Transfer,
    /// <summary>transferFrom(A, B, amount) sent by the spender; log Transfer(A → B).</summary>
    TransferFrom,
    /// <summary>approve(spender, amount) sent by the owner; log Approval(A, B).</summary>
    Approve,
    /// <summary>USDT issue(amount) by the owner; log Issue(amount) (credits the profile's issuer).</summary>
    Issue,
    /// <summary>issue(amount) on a profile without a known issuer: log Transfer(0 → treasury).</summary>
    Mint,
    /// <summary>addBlackList(user) by the owner; log AddedBlackList(A).</summary>
    Blacklist,
    /// <summary>A holder calls the bridge, which pulls the approved tokens; log Transfer(A → B = bridge).</summary>
    BridgeDeposit,
    /// <summary>The bridge's relayer releases tokens; tx to the bridge, log Transfer(A = bridge → B).</summary>
    BridgePayout,
}

/// <summary>One transaction of a synthetic block (value type, kept in a reusable array).</summary>
internal struct SynthTx
{
    /// <summary>What it does.</summary>
    public TxKind Kind;
    /// <summary>tx.from (address id).</summary>
    public int Sender;
    /// <summary>tx.to (address id or <see cref="ChainCodec.Contract"/>).</summary>
    public int Target;
    /// <summary>Native value in wei/sun.</summary>
    public long Value;
    /// <summary>Log's first address (Transfer from, Approval owner, blacklisted user).</summary>
    public int A;
    /// <summary>Log's second address (Transfer to, Approval spender).</summary>
    public int B;
    /// <summary>Token amount in base units; −1 in an Approval means unlimited (2^256 − 1).</summary>
    public long Amount;
    /// <summary>Sender's nonce.</summary>
    public int Nonce;

    /// <summary>True when the transaction emits a log.</summary>
    public readonly bool HasLog => Kind != TxKind.Native;

    /// <summary>True when the log is an ERC-20 Transfer.</summary>
    public readonly bool IsTransferLog => Kind is TxKind.Transfer or TxKind.TransferFrom or TxKind.Mint or TxKind.BridgeDeposit or TxKind.BridgePayout;

    /// <summary>Gas limit used for the transaction.</summary>
    public readonly long Gas => Kind == TxKind.Native ? 21_000 : 65_000;
}

/// <summary>A block under construction: number, time and its transactions in order.</summary>
internal sealed class SynthBlock
{
    /// <summary>Block number.</summary>
    public ulong Number;
    /// <summary>Unix seconds.</summary>
    public long Timestamp;
    /// <summary>Transactions; the first <see cref="Count"/> are valid.</summary>
    public SynthTx[] Txs = new SynthTx[256];
    /// <summary>Number of transactions.</summary>
    public int Count;

    /// <summary>Appends a transaction and returns its index.</summary>
    public int Add(in SynthTx tx)
    {
        if (Count == Txs.Length) Array.Resize(ref Txs, Txs.Length * 2);
        if (Count > ushort.MaxValue) throw new InvalidOperationException("A synthetic block exceeded 65,536 transactions.");
        Txs[Count] = tx;
        return Count++;
    }
}

/// <summary>Receives finished blocks, in order.</summary>
internal interface IBlockWriter : IDisposable
{
    /// <summary>Writes one block with all its transactions and logs.</summary>
    void WriteBlock(SynthBlock block);

    /// <summary>Closes open records at the end of the run.</summary>
    void Complete();

    /// <summary>Files written.</summary>
    IReadOnlyList<string> Files { get; }
}
