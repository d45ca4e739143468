using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Audit;

namespace LuckyGas.Tests.Security;

/// <summary>The canonical form and hash of audit rows, without servers.</summary>
public sealed class AuditChainTests
{
    [Fact]
    public void Hash_ChangesWithEveryField()
    {
        var original = Entry();
        var hash = AuditChain.ComputeHash(original);
        AuditLogEntry[] changed =
        [
            WithId(Entry(), 8),
            Change(entry => entry.OccurredAt = entry.OccurredAt.AddTicks(10)),
            Change(entry => entry.Kind = AuditEventKinds.SignInSucceeded),
            Change(entry => entry.Actor = "user:mallory"),
            Change(entry => entry.ClientIp = "203.0.113.8"),
            Change(entry => entry.Subject = "someone"),
            Change(entry => entry.Details = "{}"),
            Change(entry => entry.PreviousHash = new string('1', 64)),
        ];

        Assert.Equal(64, hash.Length);
        foreach (var entry in changed)
        {
            Assert.NotEqual(hash, AuditChain.ComputeHash(entry));
        }
    }

    [Fact]
    public void Canonical_KeepsFieldBoundaries()
    {
        var first = Entry();
        first.Actor = "a\",\"b";
        first.Subject = null;
        var second = Entry();
        second.Actor = "a";
        second.Subject = "b";

        Assert.NotEqual(AuditChain.ComputeHash(first), AuditChain.ComputeHash(second));
    }

    [Fact]
    public void Details_SerializeInKeyOrder()
    {
        var first = AuditChain.SerializeDetails(new Dictionary<string, string?> { ["b"] = "2", ["a"] = "1" });
        var second = AuditChain.SerializeDetails(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" });

        Assert.Equal("{\"a\":\"1\",\"b\":\"2\"}", first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void StoredPrecision_DropsSubMicroseconds()
    {
        var time = new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.FromHours(8)).AddTicks(1234567);

        var stored = AuditChain.ToStoredPrecision(time);

        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(0, stored.Ticks % 10);
        Assert.Equal(time.UtcTicks - 7, stored.UtcTicks);
    }

    private static AuditLogEntry Change(Action<AuditLogEntry> change)
    {
        var entry = Entry();
        change(entry);
        return entry;
    }

    private static AuditLogEntry WithId(AuditLogEntry entry, long id)
    {
        entry.Id = id;
        return entry;
    }

    private static AuditLogEntry Entry() => new()
    {
        Id = 7,
        OccurredAt = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero),
        Kind = AuditEventKinds.SignInFailed,
        Actor = "anonymous",
        ClientIp = "203.0.113.7",
        Subject = "admin",
        Details = "{\"reason\":\"wrong password\"}",
        PreviousHash = AuditChain.GenesisHash,
        Hash = "",
    };
}
