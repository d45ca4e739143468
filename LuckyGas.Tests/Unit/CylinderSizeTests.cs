using LuckyGas.Api.Domain;

namespace LuckyGas.Tests.Unit;

public sealed class CylinderSizeTests
{
    [Theory]
    [InlineData(4, CylinderSize.Kg4)]
    [InlineData(10, CylinderSize.Kg10)]
    [InlineData(16, CylinderSize.Kg16)]
    [InlineData(20, CylinderSize.Kg20)]
    [InlineData(50, CylinderSize.Kg50)]
    public void FromKilograms_DeliveredSize_ReturnsMember(int kilograms, CylinderSize expected)
    {
        Assert.Equal(expected, CylinderSizes.FromKilograms(kilograms));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(-20)]
    public void TryFromKilograms_OtherSize_ReturnsErrorListingSizes(int kilograms)
    {
        var parsed = CylinderSizes.TryFromKilograms(kilograms, out _, out var error);

        Assert.False(parsed);
        Assert.NotNull(error);
        Assert.Contains("4, 10, 16, 20 or 50 kg", error, StringComparison.Ordinal);
        Assert.Contains($"was {kilograms} kg", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromKilograms_DeliveredSize_ReturnsNoError()
    {
        var parsed = CylinderSizes.TryFromKilograms(16, out var size, out var error);

        Assert.True(parsed);
        Assert.Equal(CylinderSize.Kg16, size);
        Assert.Null(error);
    }

    [Fact]
    public void FromKilograms_OtherSize_ThrowsWithAllowedSizes()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => CylinderSizes.FromKilograms(12));

        Assert.Equal("kilograms", exception.ParamName);
        Assert.Contains("4, 10, 16, 20 or 50 kg", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_ListsFiveSizesSmallestFirst()
    {
        Assert.Equal([4, 10, 16, 20, 50], CylinderSizes.All.Select(size => size.Kilograms()));
    }

    [Fact]
    public void All_MatchesEveryEnumMember()
    {
        Assert.Equal(Enum.GetValues<CylinderSize>().Order(), CylinderSizes.All);
    }
}
