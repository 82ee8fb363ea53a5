// Settings' safety region: whose emergency number and crisis line the safety notice shows.
// The regions mirror config/safety.yaml; a region only a user's own safety.yaml has is kept.
import { h } from "./dom";

const REGIONS: [string, string][] = [
  ["auto", "Automatic (from your timezone)"],
  ["US", "United States (911, 988 Lifeline)"],
  ["CA", "Canada (911, 988)"],
  ["GB", "United Kingdom (999, Samaritans 116 123)"],
  ["IE", "Ireland (112, Samaritans 116 123)"],
  ["ES", "Spain (112, 024)"],
  ["FR", "France (112, 3114)"],
  ["DE", "Germany (112, TelefonSeelsorge)"],
  ["EU", "Elsewhere in the EU (112)"],
  ["AU", "Australia (000, Lifeline 13 11 14)"],
  ["default", "Other (112)"],
];

export function safetyRegion() {
  const select = h("select", { id: "safety-region" }, ...REGIONS.map(([v, label]) => h("option", { value: v }, label)));
  return {
    select,
    field: h("label", { class: "field span-all" }, h("span", null, "Emergency numbers for"), select),
    /** Shows a saved region, adding it if this list does not know it. */
    set(region: string) {
      if (![...select.options].some((o) => o.value === region)) select.append(h("option", { value: region }, region));
      select.value = region;
    },
  };
}
