using LuckyGas.Api.Domain;

namespace LuckyGas.Tests.Unit;

public sealed class TaiwanAddressTests
{
    [Fact]
    public void TryCreate_ValidAddress_ReturnsAddress()
    {
        var created = TaiwanAddress.TryCreate("臺北市", "大安區", " 忠孝東路四段1號 ", out var address, out var errors);

        Assert.True(created);
        Assert.Empty(errors);
        Assert.Equal("臺北市", address!.City);
        Assert.Equal("大安區", address.District);
        Assert.Equal("忠孝東路四段1號", address.Street);
        Assert.Equal("臺北市大安區忠孝東路四段1號", address.ToString());
    }

    [Theory]
    [InlineData("台北市", "大安區", "臺北市")]
    [InlineData("台中市", "西屯區", "臺中市")]
    [InlineData("台南市", "中西區", "臺南市")]
    [InlineData("台東縣", "台東市", "臺東縣")]
    [InlineData(" 臺北 市 ", "大安區", "臺北市")]
    public void TryCreate_CityWithTai_Normalizes(string city, string district, string expectedCity)
    {
        var created = TaiwanAddress.TryCreate(city, district, "中山路1號", out var address, out var errors);

        Assert.True(created, string.Join("; ", errors.Select(error => error.Message)));
        Assert.Equal(expectedCity, address!.City);
    }

    [Fact]
    public void TryCreate_DistrictWithTai_Normalizes()
    {
        TaiwanAddress.TryCreate("台東縣", "台東市", "中山路1號", out var address, out _);

        Assert.Equal("臺東市", address!.District);
    }

    [Theory]
    [InlineData("臺北市", "板橋區")]
    [InlineData("新北市", "大安區")]
    [InlineData("新竹市", "竹北市")]
    [InlineData("基隆市", "大同區")]
    public void TryCreate_DistrictOfAnotherCity_ReturnsDistrictError(string city, string district)
    {
        var created = TaiwanAddress.TryCreate(city, district, "中山路1號", out var address, out var errors);

        Assert.False(created);
        Assert.Null(address);
        var error = Assert.Single(errors);
        Assert.Equal("district", error.Field);
        Assert.Contains($"district must be a district of {city}, such as", error.Message, StringComparison.Ordinal);
        Assert.Contains(district, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_EmptyDistrict_ReturnsDistrictError()
    {
        TaiwanAddress.TryCreate("臺北市", "", "中山路1號", out _, out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("district", error.Field);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TryCreate_EmptyStreet_ReturnsStreetError(string? street)
    {
        var created = TaiwanAddress.TryCreate("臺北市", "大安區", street, out _, out var errors);

        Assert.False(created);
        var error = Assert.Single(errors);
        Assert.Equal("street", error.Field);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_StreetAtMaximumLength_ReturnsAddress()
    {
        var street = new string('路', TaiwanAddress.MaxStreetLength);

        Assert.True(TaiwanAddress.TryCreate("臺北市", "大安區", street, out _, out _));
    }

    [Fact]
    public void TryCreate_StreetTooLong_ReturnsStreetError()
    {
        var street = new string('路', TaiwanAddress.MaxStreetLength + 1);

        TaiwanAddress.TryCreate("臺北市", "大安區", street, out _, out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("street", error.Field);
        Assert.Contains("at most 200 characters, but has 201", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_SurrogatePairStreet_CountsCodePoints()
    {
        // 𠀋 (U+2000B) is one character stored as two UTF-16 units.
        var street = string.Concat(Enumerable.Repeat("𠀋", TaiwanAddress.MaxStreetLength));

        Assert.True(TaiwanAddress.TryCreate("臺北市", "大安區", street, out _, out _));
    }

    [Fact]
    public void TryCreate_MultilineStreet_ReturnsStreetError()
    {
        TaiwanAddress.TryCreate("臺北市", "大安區", "中山路\n1號", out _, out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("street", error.Field);
    }

    [Theory]
    [InlineData("臺北")]
    [InlineData("Taipei")]
    [InlineData("台北縣")]
    public void TryCreate_UnknownCity_ReturnsCityError(string city)
    {
        var created = TaiwanAddress.TryCreate(city, "大安區", "中山路1號", out _, out var errors);

        Assert.False(created);
        var error = Assert.Single(errors);
        Assert.Equal("city", error.Field);
        Assert.Contains("臺北市", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_UnlistedCity_AcceptsAnyDistrict()
    {
        var created = TaiwanAddress.TryCreate("花蓮縣", "吉安鄉", "中山路1號", out var address, out _);

        Assert.True(created);
        Assert.Equal("吉安鄉", address!.District);
    }

    [Fact]
    public void TryCreate_UnlistedCityEmptyDistrict_ReturnsError()
    {
        TaiwanAddress.TryCreate("花蓮縣", " ", "中山路1號", out _, out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("district", error.Field);
    }

    [Fact]
    public void TryCreate_TwoInvalidFields_ReturnsTwoErrors()
    {
        TaiwanAddress.TryCreate("火星市", "大安區", "", out _, out var errors);

        Assert.Equal(["city", "street"], errors.Select(error => error.Field));
    }

    [Fact]
    public void Create_InvalidDistrict_ThrowsWithMessage()
    {
        var exception = Assert.Throws<ArgumentException>(() => TaiwanAddress.Create("臺北市", "板橋區", "中山路1號"));

        Assert.Contains("district must be a district of 臺北市", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cities_ListsTwentyTwoDistinctNames()
    {
        Assert.Equal(22, TaiwanDistricts.Cities.Distinct().Count());
        Assert.DoesNotContain(TaiwanDistricts.Cities, city => city.Contains('台', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("臺北市", 12)]
    [InlineData("新北市", 29)]
    [InlineData("桃園市", 13)]
    [InlineData("臺中市", 29)]
    [InlineData("臺南市", 37)]
    [InlineData("高雄市", 38)]
    [InlineData("新竹市", 3)]
    [InlineData("新竹縣", 13)]
    [InlineData("基隆市", 7)]
    public void DistrictsByCity_DeliveryCity_ListsEveryDistrictOnce(string city, int districtCount)
    {
        var districts = TaiwanDistricts.DistrictsByCity[city];

        Assert.Equal(districtCount, districts.Count);
        Assert.Equal(districtCount, districts.Distinct().Count());
        Assert.All(districts, district => Assert.Equal(district, TaiwanDistricts.NormalizeName(district)));
    }

    [Fact]
    public void DistrictsByCity_EveryKey_IsACity()
    {
        Assert.Equal(9, TaiwanDistricts.DistrictsByCity.Count);
        Assert.All(TaiwanDistricts.DistrictsByCity.Keys, city => Assert.Contains(city, TaiwanDistricts.Cities));
    }
}
