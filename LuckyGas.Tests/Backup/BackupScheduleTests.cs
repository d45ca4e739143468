using LuckyGas.BackupWorker;
using LuckyGas.BackupWorker.Scheduling;
using Microsoft.Extensions.Options;

namespace LuckyGas.Tests.Backup;

public sealed class BackupScheduleTests
{
    // 02:00 in Asia/Taipei (UTC+8, no daylight saving time) is 18:00 UTC of the day before.
    [Theory]
    [InlineData("2026-12-03T17:59:59Z", "2026-12-03T18:00:00Z")]
    [InlineData("2026-12-03T18:00:00Z", "2026-12-04T18:00:00Z")]
    [InlineData("2026-12-03T18:00:01Z", "2026-12-04T18:00:00Z")]
    [InlineData("2026-12-04T00:00:00Z", "2026-12-04T18:00:00Z")]
    [InlineData("2026-12-31T20:00:00Z", "2027-01-01T18:00:00Z")]
    [InlineData("2028-02-28T19:00:00Z", "2028-02-29T18:00:00Z")]
    [InlineData("2026-07-01T10:00:00Z", "2026-07-01T18:00:00Z")]
    public void DefaultSchedule_NextIsTwoAmTaipei(string fromUtc, string expectedUtc)
    {
        var schedule = new BackupSchedule(Options.Create(new BackupOptions()));

        var next = schedule.GetNextOccurrence(DateTimeOffset.Parse(fromUtc, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public void InvalidExpression_IsRejectedNamingSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new BackupSchedule(Options.Create(new BackupOptions { Schedule = "every night" })));

        Assert.Contains("Backup:Schedule", error.Message, StringComparison.Ordinal);
    }
}
