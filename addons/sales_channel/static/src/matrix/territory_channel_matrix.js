/** @odoo-module **/

import {Component, onWillStart, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * The territory x channel matrix: territories as rows (indented by depth),
 * channels as columns; each cell sets the channel's own policy in the
 * territory, or is left empty to inherit the policy of a parent territory.
 */
export class TerritoryChannelMatrix extends Component {
    static template = "sales_channel.TerritoryChannelMatrix";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.state = useState({data: null});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "sales.territory.channel",
            "get_matrix",
            []
        );
    }

    cell(territory, channel) {
        return this.state.data.cells[`${territory.id},${channel.id}`] || null;
    }

    label(policy) {
        const found = this.state.data.policies.find((item) => item[0] === policy);
        return found ? found[1] : "";
    }

    cellClass(territory, channel) {
        const cell = this.cell(territory, channel);
        if (!cell) {
            return "";
        }
        const colour = {
            preferred: "table-success",
            allowed: "",
            blocked: "table-danger",
        }[cell.policy];
        return `${colour} ${cell.own ? "o_tcm_own" : "o_tcm_inherited"}`;
    }

    async onChange(territory, channel, ev) {
        try {
            await this.orm.call("sales.territory.channel", "set_matrix_policy", [
                territory.id,
                channel.id,
                ev.target.value || false,
            ]);
        } finally {
            await this.load();
        }
    }
}

registry
    .category("actions")
    .add("sales_channel.territory_channel_matrix", TerritoryChannelMatrix);
