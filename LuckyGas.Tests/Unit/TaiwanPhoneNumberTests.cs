using LuckyGas.Api.Domain;

namespace LuckyGas.Tests.Unit;

public sealed class TaiwanPhoneNumberTests
{
    [Theory]
    [InlineData("0912345678")]
    [InlineData("0912-345-678")]
    [InlineData("0912 345 678")]
    [InlineData(" (0912) 345-678 ")]
    [InlineData("０９１２－３４５－６７８")]
    public void TryParse_ValidMobile_ReturnsNormalized(string text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.True(parsed, error);
        Assert.Null(error);
        Assert.Equal(TaiwanPhoneNumberKind.Mobile, phoneNumber!.Kind);
        Assert.Null(phoneNumber.AreaCode);
        Assert.Equal("0912345678", phoneNumber.NationalNumber);
        Assert.Equal("0912-345-678", phoneNumber.DisplayForm);
        Assert.Equal("0912-345-678", phoneNumber.ToString());
        Assert.Equal("+886912345678", phoneNumber.E164);
    }

    [Theory]
    [InlineData("+886912345678")]
    [InlineData("+886 912 345 678")]
    [InlineData("+886-912-345-678")]
    [InlineData("+886 (0)912 345 678")]
    [InlineData("＋８８６ ９１２ ３４５ ６７８")]
    public void TryParse_InternationalMobile_ReturnsNationalForm(string text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.True(parsed, error);
        Assert.Equal("0912345678", phoneNumber!.NationalNumber);
        Assert.Equal("0912-345-678", phoneNumber.DisplayForm);
    }

    [Theory]
    [InlineData("02-2345-6789", "02", "02-2345-6789")]
    [InlineData("(02) 23456789", "02", "02-2345-6789")]
    [InlineData("03-425-1234", "03", "03-425-1234")]
    [InlineData("03 5712345", "03", "03-571-2345")]
    [InlineData("037-123456", "037", "037-123456")]
    [InlineData("04-2234-5678", "04", "04-2234-5678")]
    [InlineData("04-722-1234", "04", "04-722-1234")]
    [InlineData("049-222-1234", "049", "049-222-1234")]
    [InlineData("05-222-1234", "05", "05-222-1234")]
    [InlineData("06-222-1234", "06", "06-222-1234")]
    [InlineData("07-123-4567", "07", "07-123-4567")]
    [InlineData("08-732-1234", "08", "08-732-1234")]
    [InlineData("082-312345", "082", "082-312345")]
    [InlineData("0826-61234", "0826", "0826-61234")]
    [InlineData("0836-22345", "0836", "0836-22345")]
    [InlineData("089-312345", "089", "089-312345")]
    public void TryParse_ValidLandline_ReturnsDisplayForm(string text, string areaCode, string displayForm)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.True(parsed, error);
        Assert.Equal(TaiwanPhoneNumberKind.Landline, phoneNumber!.Kind);
        Assert.Equal(areaCode, phoneNumber.AreaCode?.Code);
        Assert.Equal(displayForm, phoneNumber.DisplayForm);
    }

    [Theory]
    [InlineData("+886 2 2345 6789", "02-2345-6789", "+886223456789")]
    [InlineData("+886-7-123-4567", "07-123-4567", "+88671234567")]
    [InlineData("+886 (0)2 2345-6789", "02-2345-6789", "+886223456789")]
    [InlineData("+886 836 22345", "0836-22345", "+88683622345")]
    public void TryParse_InternationalLandline_ReturnsNationalForm(string text, string displayForm, string e164)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.True(parsed, error);
        Assert.Equal(displayForm, phoneNumber!.DisplayForm);
        Assert.Equal(e164, phoneNumber.E164);
    }

    [Fact]
    public void Parse_TwoFormsOfNumber_AreEqual()
    {
        var international = TaiwanPhoneNumber.Parse("+886 912 345 678");
        var national = TaiwanPhoneNumber.Parse("0912-345-678");

        Assert.Equal(national, international);
    }

    [Theory]
    [InlineData("0912-345-67", "has 7 digits after 09")]
    [InlineData("0912-345-6789", "has 9 digits after 09")]
    [InlineData("+886 912 345 67", "has 7 digits after 09")]
    public void TryParse_MobileOfWrongLength_ReturnsError(string text, string expectedFragment)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.False(parsed);
        Assert.Null(phoneNumber);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.Contains("09xx-xxx-xxx", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("02-234-5678", "has 7 digits after area code 02", "takes 8")]
    [InlineData("02-2345-67890", "has 9 digits after area code 02", "takes 8")]
    [InlineData("07-1234-5678", "has 8 digits after area code 07", "takes 7")]
    [InlineData("04-223-45", "has 5 digits after area code 04", "takes 7 or 8")]
    [InlineData("037-1234567", "has 7 digits after area code 037", "takes 6")]
    [InlineData("049-22-1234", "has 6 digits after area code 049", "takes 7")]
    [InlineData("089-1234567", "has 7 digits after area code 089", "takes 6")]
    [InlineData("0836-123456", "has 6 digits after area code 0836", "takes 5")]
    public void TryParse_LandlineOfWrongLength_ReturnsError(string text, string actualFragment, string expectedFragment)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains(actualFragment, error, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01-2345-6789")]
    [InlineData("00-1234-5678")]
    public void TryParse_UnknownAreaCode_ReturnsError(string text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains("no Taiwanese area code", error, StringComparison.Ordinal);
        Assert.Contains("02-2345-6789", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0800-123-456")]
    [InlineData("0800-12345")]
    [InlineData("070-1234-5678")]
    public void TryParse_TollFreeOrVoip_ReturnsError(string text)
    {
        Assert.False(TaiwanPhoneNumber.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryParse_SubscriberStartingWithZero_ReturnsError()
    {
        var parsed = TaiwanPhoneNumber.TryParse("02-0234-5678", out _, out var error);

        Assert.False(parsed);
        Assert.Contains("starts with 0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0912-abc-678", "'a'")]
    [InlineData("09I2345678", "'I'")]
    [InlineData("02.2345.6789", "'.'")]
    [InlineData("0912345678 ext 12", "'e'")]
    public void TryParse_DisallowedCharacter_ReturnsErrorNamingIt(string text, string character)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains(character, error, StringComparison.Ordinal);
        Assert.Contains("only digits, spaces, dashes, parentheses", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TryParse_Empty_ReturnsErrorNamingFormat(string? text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out var phoneNumber, out var error);

        Assert.False(parsed);
        Assert.Null(phoneNumber);
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.Contains("09xx-xxx-xxx", error, StringComparison.Ordinal);
        Assert.Contains("02-2345-6789", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("()--")]
    [InlineData("+")]
    public void TryParse_NoDigits_ReturnsError(string text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("+1 415 555 0100")]
    [InlineData("+86 138 0013 8000")]
    public void TryParse_OtherCountryCode_ReturnsError(string text)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains("+886", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_PlusAfterStart_ReturnsError()
    {
        var parsed = TaiwanPhoneNumber.TryParse("0912+345678", out _, out var error);

        Assert.False(parsed);
        Assert.Contains("+ only at its start", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("912345678", "starts with 9")]
    [InlineData("886912345678", "starts with 8")]
    public void TryParse_NoTrunkPrefix_ReturnsError(string text, string expectedFragment)
    {
        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains("must start with 0", error, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLong_ReturnsError()
    {
        var text = "0912-345-678" + new string(' ', TaiwanPhoneNumber.MaxInputLength) + "9";

        var parsed = TaiwanPhoneNumber.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains($"at most {TaiwanPhoneNumber.MaxInputLength} characters", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var exception = Assert.Throws<FormatException>(() => TaiwanPhoneNumber.Parse("12345"));

        Assert.Contains("must start with 0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindByPrefix_OverlappingCodes_ReturnsLongest()
    {
        Assert.Equal("037", TaiwanAreaCodes.FindByPrefix("037123456")?.Code);
        Assert.Equal("049", TaiwanAreaCodes.FindByPrefix("0492221234")?.Code);
        Assert.Equal("0826", TaiwanAreaCodes.FindByPrefix("082661234")?.Code);
        Assert.Equal("082", TaiwanAreaCodes.FindByPrefix("082312345")?.Code);
        Assert.Equal("08", TaiwanAreaCodes.FindByPrefix("087321234")?.Code);
    }
}
