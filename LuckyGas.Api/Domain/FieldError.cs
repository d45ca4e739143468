namespace LuckyGas.Api.Domain;

/// <summary>Validation failure of one input field.</summary>
/// <param name="Field">Name of the invalid field as the request spells it, such as "district".</param>
/// <param name="Message">
/// What is wrong and what is expected, such as "district must be a district of 臺北市, such as 中正區, but was …".
/// </param>
public sealed record FieldError(string Field, string Message);
