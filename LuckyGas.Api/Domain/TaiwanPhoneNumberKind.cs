namespace LuckyGas.Api.Domain;

/// <summary>Kind of line that a <see cref="TaiwanPhoneNumber"/> reaches.</summary>
public enum TaiwanPhoneNumberKind
{
    /// <summary>Mobile number: 09 followed by 8 digits.</summary>
    Mobile,

    /// <summary>Landline number: an area code from <see cref="TaiwanAreaCodes"/>, then a subscriber number.</summary>
    Landline,
}
